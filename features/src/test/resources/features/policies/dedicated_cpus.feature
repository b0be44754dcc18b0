Feature: CPUs dedicated to VMs that no running VM uses run at their lowest frequency
  As Nova powers down dedicated cores no instance is pinned to, the host lowers them, and raises
  them before a VM pinned to them runs: before it starts (the simulator announces each start;
  libvirt's qemu hook runs prepare_vm) or before a vCPU is pinned onto them.

  Background:
    Given the CPUs "4-7" are dedicated to VMs
    And a simulated host described by:
      """
      host:
        cpus: 8
        frequencies: [2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000]
        initialKhz: 2600000
      vms:
        - name: vm1
          vcpus: 2
          pinning: ["2", "3"]
        - name: vm2
          state: shut_off
          vcpus: 2
          pinning: ["4", "5"]
        - name: vm3
          vcpus: 1
          pinning: ["6"]
      """

  Scenario: At start the unused dedicated CPUs are lowered, the others left alone
    Then pCPUs "4,5,7" run at 1200000 kHz
    And pCPU 6 runs at 2600000 kHz
    And pCPUs "0,1,2,3" run at 2600000 kHz
    When I run "show_policies" on the host
    Then the output contains "Dedicated CPUs: 4-7; at their lowest (no running VM pinned): 4-5,7; lowered 3, raised 0"

  Scenario: They are raised before a VM pinned to them starts, and lowered when it stops
    When the simulated VM vm2 starts
    Then pCPUs "4,5" run at 2600000 kHz
    When I run "show_policies" on the host
    Then the output contains "at their lowest (no running VM pinned): 7; lowered 3, raised 2 (last: 4-5 before VM 'vm2' started)"
    When the simulated VM vm3 stops
    Then pCPU 6 runs at 1200000 kHz

  Scenario: They are raised before a vCPU is pinned onto them
    Given the host has run "add_vm vm1"
    When I run "set_pcpu vm1 0 7" on the host
    Then pCPU 7 runs at 2600000 kHz
    When I run "show_policies" on the host
    Then the output contains "(last: 7 before a vCPU of VM 'vm1' was pinned onto them)"
    When I run "set_pcpu vm1 0 2" on the host
    Then pCPU 7 runs at 1200000 kHz

  Scenario: prepare_vm raises them for a VM about to start (libvirt's qemu hook)
    When I run "prepare_vm vm2" on the host
    Then the output is:
      """
      VM 'vm2': raised dedicated CPU(s) 4-5
      """
    And pCPUs "4,5" run at 2600000 kHz
    When I run "prepare_vm vm1" on the host
    Then the output is:
      """
      VM 'vm1': no dedicated CPU to raise
      """
    When I run "prepare_vm vm9" on the host
    Then the command fails
    And the error says "cannot tell where VM 'vm9' will run: the hypervisor has no VM 'vm9'"
    # with the CPUs of the domain XML, as the hook passes them: the hypervisor is not asked
    When I run "prepare_vm vm9 6-7" on the host
    Then the output is:
      """
      VM 'vm9': raised dedicated CPU(s) 7
      """
    When I run "prepare_vm vm9 0-2,x" on the host
    Then the command fails
    And the error says "is not a CPU list"

  Scenario: A re-pin by someone else is followed at once
    When the simulated hypervisor re-pins vCPU 0 of vm3 to pCPUs "7"
    Then pCPU 7 runs at 2600000 kHz
    And pCPU 6 runs at 1200000 kHz
