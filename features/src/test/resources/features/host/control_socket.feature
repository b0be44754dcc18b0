Feature: Operators and scripts control a running host through its control socket
  A running host (the daemon, or a host started with --control-socket) takes every vm_power>
  command from `vm-power-mgr --connect SOCKET`: one command with -c (several run in order), with
  the script mode's exit status; --json prints each show_* view as one line of versioned JSON.

  Background:
    Given the simulated host of the default scenario
    And the host serves its control socket to group "vmpower" (gid 995)

  Scenario: A command through the control socket prints what the prompt prints
    When I run "add_vm vm1" through the control socket
    Then the command succeeds
    And the output contains "VM 'vm1' added: 2 vCPU(s), ACTIVE"
    Given the host has run "add_channels vm1 all"
    When I run "show_vm vm1" through the control socket
    Then the exit status is 0
    And the output is what "show_vm vm1" prints at the host's prompt
    When I run "show_stats" through the control socket
    Then the output is what "show_stats" prints at the host's prompt

  Scenario: Several commands run in order; one failure makes the exit status 1, as a script's
    When I run these commands through the control socket:
      | add_vm vm1  |
      | show_vm vm9 |
      | show_vms    |
    Then the exit status is 1
    And the output contains "VM 'vm1' added"
    And the output contains "vm1                  ACTIVE        2        0         0     off"
    And the error says "Error: Unknown VM 'vm9' (known: vm1)"

  Scenario: Standard input that is not a terminal is read line by line, as the script mode does
    When a script pipes these lines to vm-power-mgr --connect:
      """
      # attach vm1
      add_vm vm1

      add_channels vm1 9
      show_vms
      """
    Then the exit status is 1
    And the output contains "VM 'vm1' added"
    And the output contains "vm1                  ACTIVE        2        0         0     off"

  Scenario: --json gives each show_* view as one line of versioned JSON
    Given the host has run "add_vm vm1"
    And the host has run "add_channels vm1 0"
    When I run "show_vms" through the control socket with --json
    Then the output is:
      """
      {"schema":1,"vms":[{"name":"vm1","state":"RUNNING","vcpus":2,"channels":1,"connected":1,"query_enabled":false}]}
      """
    When I run "show_cpu_freq_mask 0xc" through the control socket with --json
    Then the output is:
      """
      {"schema":1,"frequencies":[{"cpu":2,"khz":2600000,"error":null},{"cpu":3,"khz":2600000,"error":null}]}
      """
    When I run "add_vm vm2" through the control socket with --json
    Then the output is:
      """
      VM 'vm2' added: 4 vCPU(s), ACTIVE
      """

  Scenario: A client outside the control group is refused and nothing runs
    When a client of uid 65534 outside group "vmpower" runs "add_vm vm1" through the control socket
    Then the exit status is 2
    And the error says "refused this client: permission denied for uid 65534: only root and members of group 'vmpower' (gid 995) may use this control socket"
    When I run "show_vms" on the host
    Then the output contains "No VMs added"
    When a client of uid 1000 in group "vmpower" runs "add_vm vm1" through the control socket
    Then the exit status is 0
    And the output contains "VM 'vm1' added"

  Scenario: quit leaves the client; the host keeps running
    When I run these commands through the control socket:
      | add_vm vm1 |
      | quit       |
      | add_vm vm2 |
    Then the exit status is 0
    And the output does not contain "vm2"
    When I run "show_vms" through the control socket
    Then the output contains "vm1"

  Scenario: Without a host the client says so and what to do
    When I connect to a control socket where no host runs
    Then the exit status is 2
    And the error says "no vmpower host is running with it. Start the host"
