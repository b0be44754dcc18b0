@real
Feature: The daemon on real components: libvirt's test driver with domain XML naming power channels
  The host runs as a service (as vm-power-mgr --daemon) against libvirt's test driver, whose domain
  XML names the power channels, a cpufreq tree of plain files and sockets bound by a listener that
  plays QEMU. Domains are started, destroyed and defined on the daemon's own libvirt connection.

  Background:
    Given a cpufreq tree of 4 acpi-cpufreq CPUs with governor "userspace" at 2600000 kHz
    And a libvirt test node with running VM "vm1" whose vCPUs are pinned to "2;3" and whose XML names power channels "0,1"
    And a libvirt test node with shut-off VM "vm2" whose vCPUs are pinned to "1" and whose XML names power channels "0"
    And a libvirt test node with running VM "odd" whose vCPUs are pinned to "0" and whose XML names power channels "0 at ELSEWHERE/odd.0, 1"
    And a libvirt test node with running VM "plain" whose vCPUs are pinned to "0"
    And QEMU listens on channel 0 of vm1
    And QEMU listens on channel 1 of vm1
    And QEMU listens on channel 1 of odd
    And the daemon runs on them with the configuration:
      """
      vms:
        manage: auto
      """

  Scenario: The channels the XML names are served with no command; a socket elsewhere is refused
    Then the host attaches channel 0 of vm1
    And the host attaches channel 1 of vm1
    And the host attaches channel 1 of odd
    And the daemon manages VMs "odd, vm1, vm2"
    And the daemon refuses for odd: "channel 0 at ELSEWHERE/odd.0 refused: not inside an allowed channel folder"
    And the daemon has channel 0 of odd absent
    When the guest on channel 0 of vm1 asks to scale down vCPU 1
    Then the guest on channel 0 of vm1 reads an ACK
    And the cpufreq tree has cpu3 at 2400000 kHz with governor "userspace"
    When the daemon stops
    Then the cpufreq tree is exactly as before the host started

  Scenario: A VM started, destroyed and started again, and one defined later, are followed
    Given the host attaches channel 0 of vm1
    When QEMU listens on channel 0 of vm2
    And libvirt starts vm2
    Then the host attaches channel 0 of vm2
    And the daemon has channel 0 of vm2 CONNECTED
    When the guest on channel 0 of vm2 asks to scale min vCPU 0
    Then the guest on channel 0 of vm2 reads an ACK
    And the cpufreq tree has cpu1 at 1200000 kHz with governor "userspace"
    When QEMU stops and removes the socket of channel 0 of vm2
    And libvirt destroys vm2
    Then the daemon has channel 0 of vm2 DISCONNECTED
    When QEMU listens on channel 0 of vm2
    And libvirt starts vm2
    Then the host attaches channel 0 of vm2
    When libvirt defines VM "vm9" pinned to "3" whose XML names power channels "4"
    And QEMU listens on channel 4 of vm9
    And libvirt starts vm9
    Then the host attaches channel 4 of vm9
    And the daemon manages VMs "odd, vm1, vm2, vm9"
    When libvirt destroys vm9
    And libvirt undefines vm9
    Then the daemon manages VMs "odd, vm1, vm2"
