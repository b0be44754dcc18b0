Feature: The daemon serves the VMs of its configuration file by itself
  Started as a service (vm-power-mgr --daemon), the host reads its configuration file, finds each
  VM's power channels in the VM's definition and serves them, with no operator command: a VM that
  starts later is attached, one that stops is detached, one that restarts is attached again.

  Background:
    Given the simulated scenario:
      """
      host:
        cpus: 4
        frequencies: [2601000, 2600000, 2400000, 1200000]
      vms:
        - {name: web1, vcpus: 2, pinning: ["1", "2"], channels: [0, 1]}
        - {name: late, state: shut_off, vcpus: 1, pinning: ["3"], channels: [0]}
        - {name: plain, vcpus: 1, pinning: ["0"], channels: [0], xmlChannels: false}
      """

  Scenario: A VM that starts later is served with no operator command
    When the daemon starts with the configuration file:
      """
      vms:
        manage: auto
      """
    Then the service manager was told READY=1 with the status "Serving 2 channel(s) of 2 VM(s), 2 attached"
    And channel 0 of web1 becomes CONNECTED
    And channel 1 of web1 becomes CONNECTED
    And the host manages VMs "late, web1"
    When the simulated VM late starts
    Then channel 0 of late becomes CONNECTED
    When the guest of late on channel 0 asks to scale down vCPU 0
    Then the guest of late on channel 0 receives an ACK
    And pCPU 3 runs at 2400000 kHz
    And no operator command was run

  Scenario: A VM that restarts is attached again; one defined later is picked up, one undefined forgotten
    When the daemon starts with the configuration file:
      """
      # every default: vms.manage is auto
      """
    And the simulated VM web1 stops
    Then channel 0 of web1 becomes DISCONNECTED
    And channel 1 of web1 becomes DISCONNECTED
    When the simulated VM web1 starts
    Then channel 0 of web1 becomes CONNECTED
    And the host counted 2 attaches on web1 channel 0
    When the guest of web1 on channel 1 asks to scale down vCPU 1
    Then the guest of web1 on channel 1 receives an ACK
    And pCPU 2 runs at 2400000 kHz
    When the simulated hypervisor defines VM new1 with 1 vCPU and channels "0,1"
    And the simulated VM new1 starts
    Then channel 1 of new1 becomes CONNECTED
    When the simulated VM late is undefined
    Then the host manages VMs "new1, web1"
    And no operator command was run

  Scenario: Listed VMs without channels in their definition follow the {vm}.{n} convention
    When the daemon starts with the configuration file:
      """
      vms:
        manage: [pla*]
        settings:
          plain:
            queries: true
      """
    Then channel 0 of plain becomes CONNECTED
    And the host manages VMs "plain"
    When the guest of plain on channel 0 queries the frequency list as VM "plain"
    Then the guest of plain on channel 0 receives frequencies "2600000"

  Scenario: reload applies a changed file and refuses a broken one, the channels served throughout
    When the daemon starts with the configuration file:
      """
      vms:
        manage: [web1]
      """
    And the configuration file becomes:
      """
      vms:
        manage: [web1, plain]
        settings:
          web1:
            disabled-channels: [1]
      """
    And I run "reload" on the host
    Then the command succeeds
    And the output names the configuration file in "Reloaded CONFIG: 5 change(s)"
    And the output contains "changed: vms.manage: [web1] -> [web1, plain]"
    And the output contains "changed: VM 'plain' managed: 1 vCPU(s), ACTIVE"
    And the output contains "changed: Channel web1.1: disabled"
    And channel 0 of plain becomes CONNECTED
    And channel 1 of web1 becomes DISABLED
    And the host counted 1 attaches on web1 channel 0
    When the configuration file becomes:
      """
      vms:
        manage: [web1
      """
    And I run "reload" on the host
    Then the command fails
    And the output names the configuration file in "Configuration not reloaded: CONFIG:2:16: not valid YAML"
    And the output names the configuration file in "still running on the configuration read before from CONFIG"
    And the running configuration still manages "[web1, plain]"
    And the host manages VMs "plain, web1"
    And channel 0 of web1 becomes CONNECTED
    And the host counted 1 attaches on web1 channel 0
    When the guest of web1 on channel 0 asks to scale down vCPU 0
    Then the guest of web1 on channel 0 receives an ACK
    And the service manager was told "RELOADING=1" 2 times
    And the service manager was told "READY=1" 3 times
