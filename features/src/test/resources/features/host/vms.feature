Feature: Operators register VMs and inspect them
  Background:
    Given the simulated host of the default scenario

  Scenario: add_vm and show_vm print what DPDK users' scripts read
    When I run "add_vm vm1" on the host
    Then the command succeeds
    And the output contains "VM 'vm1' added: 2 vCPU(s), ACTIVE"
    Given the host has run "add_channels vm1 all"
    When I run "show_vm vm1" on the host
    Then the output starts with:
      """
      VM: 'vm1', status = ACTIVE
      Channels 2
        [0]: CHANNEL_DIR/vm1.0, status = CONNECTED
        [1]: CHANNEL_DIR/vm1.1, status = CONNECTED
      Virtual CPU(s): 2
        [0]: Physical CPU Mask 0x4
        [1]: Physical CPU Mask 0x8
      """

  Scenario: A shut-off VM can be added but its channels cannot
    When I run "add_vm vm3" on the host
    Then the command succeeds
    When I run "show_vm vm3" on the host
    Then the output contains "VM: 'vm3', status = INACTIVE"
    And the output contains "[0]: Physical CPU Mask 0xff"
    When I run "add_channels vm3 all" on the host
    Then the command fails
    And the error says "VM 'vm3' is not running: start it before adding channels"

  Scenario: An unknown VM is named in the error with the known ones
    Given the host has run "add_vm vm1"
    When I run "show_vm vm9" on the host
    Then the command fails
    And the error says "Unknown VM 'vm9' (known: vm1)"
    When I run "add_vm vm9" on the host
    Then the command fails
    And the error says "Unknown VM 'vm9': the hypervisor has no such VM (it has: vm1, vm2, vm3)"

  Scenario: show_vms lists every VM with its channels
    Given the host has run "add_vm vm1"
    And the host has run "add_vm vm3"
    And the host has run "add_channels vm1 0"
    When I run "show_vms" on the host
    Then the command succeeds
    And the output contains "vm1"
    And the output contains "vm3"
    And the output contains "INACTIVE"

  Scenario: rm_vm needs the channels removed first, even while the VM runs
    Given the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"
    When I run "rm_vm vm1" on the host
    Then the command fails
    And the error says "VM 'vm1' has channels 0, 1: remove them first with rm_channels vm1 all"
    When I run "rm_channels vm1 all" on the host
    Then the command succeeds
    When I run "rm_vm vm1" on the host
    Then the command succeeds
    And the output contains "VM 'vm1' removed"

  Scenario: set_query enables a VM's queries
    Given the host has run "add_vm vm1"
    When I run "set_query vm1 enable" on the host
    Then the output contains "Queries enabled for VM 'vm1'"
    When I run "set_query vm1 maybe" on the host
    Then the command fails
    And the error says "unknown setting 'maybe': use enable or disable"
