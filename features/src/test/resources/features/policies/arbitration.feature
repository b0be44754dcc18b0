Feature: A pCPU several VMs use is arbitrated: the highest demand wins, under per-VM caps
  Guest requests and policies set their VM's demand on each pCPU; the pCPU runs at the highest
  demand, each first clamped by its VM's cap. Nothing is forced to max and forgotten.

  Background:
    Given a simulated host described by:
      """
      host:
        cpus: 8
        frequencies: [2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000]
        initialKhz: 2600000
      vms:
        - name: vm1
          vcpus: 2
          pinning: ["2", "3"]
          channels: [0, 1]
        - name: vm2
          vcpus: 2
          pinning: ["3", "4"]
          channels: [0, 1]
      """
    And the host has run "add_vm vm1"
    And the host has run "add_vm vm2"
    And the host has run "add_channels vm1 all"
    And the host has run "add_channels vm2 all"

  Scenario: Two policies on a shared pCPU: the highest demand wins, and the other one takes over
    When I run "set_policy vm1 workload level=high vcpus=1" on the host
    And I run "set_policy vm2 workload level=low" on the host
    Then pCPU 3 runs at 2601000 kHz
    And pCPU 4 runs at 1200000 kHz
    When I run "rm_policy vm1" on the host
    Then the output is:
      """
      VM 'vm1': workload policy (set by the operator) removed
      """
    And pCPU 3 runs at 1200000 kHz

  Scenario: An outvoted guest's requests are recorded, and count once the other VM lets go
    When the guest of vm1 on channel 1 asks to scale max vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    When the guest of vm2 on channel 0 asks to scale down vCPU 0
    Then the guest of vm2 on channel 0 receives an ACK
    When the guest of vm2 on channel 0 asks to scale down vCPU 0
    Then the guest of vm2 on channel 0 receives an ACK
    And pCPU 3 runs at 2601000 kHz
    When I run "show_policies vm2" on the host
    Then the output contains "demands: pCPU 3 2400000 kHz (guest)"
    When the simulated VM vm1 stops
    Then pCPU 3 runs at 2400000 kHz

  Scenario: A policy and a guest on one VM: the latest wins until the next evaluation
    When I run "set_policy vm1 workload level=low vcpus=1" on the host
    Then pCPU 3 runs at 1200000 kHz
    When the guest of vm1 on channel 1 asks to scale up vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 3 runs at 1400000 kHz

  Scenario: A cap clamps its VM's demands and never another VM's
    When I run "set_vm_cap vm1 2000000" on the host
    Then the output is:
      """
      VM 'vm1': capped at 2000000 kHz (pCPUs 2-3)
      """
    And pCPUs "2,3" run at 2000000 kHz
    When the guest of vm1 on channel 0 asks to scale max vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 2 runs at 2000000 kHz
    When the guest of vm2 on channel 0 asks to scale max vCPU 0
    Then the guest of vm2 on channel 0 receives an ACK
    And pCPU 3 runs at 2601000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "vm1: no policy; cap 2000000 kHz"
    When I run "set_vm_cap vm1 none" on the host
    Then the output is:
      """
      VM 'vm1': cap lifted
      """
    When the guest of vm1 on channel 0 asks to scale max vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 2 runs at 2601000 kHz

  Scenario: A cap also bounds the VM's policy
    When I run "set_vm_cap vm2 1800000" on the host
    And I run "set_policy vm2 workload level=high" on the host
    Then pCPU 4 runs at 1800000 kHz

  Scenario Outline: A bad cap is refused and changes nothing
    When I run "set_vm_cap <vm> <khz>" on the host
    Then the command fails
    And the error says "<error>"
    And no CPU frequency was written

    Examples:
      | vm  | khz       | error                                                   |
      | vm1 | 0         | a cap of 0 kHz: give a frequency in kHz, or none         |
      | vm1 | 2.6GHz    | '2.6GHz' is not a frequency in kHz: use e.g. 2000000     |
      | vm1 | 999999999 | cap 999999999 kHz is out of range: use 1-100000000 kHz   |
      | vm9 | 2000000   | Unknown VM 'vm9' (known: vm1, vm2)                       |

  Scenario: The operator's set_cpu_freq acts on the CPU at once, until its next decision
    When I run "set_policy vm2 workload level=low" on the host
    And I run "set_cpu_freq 4 max" on the host
    Then pCPU 4 runs at 2601000 kHz
    When the simulated hypervisor re-pins vCPU 1 of vm2 to pCPUs "4"
    Then pCPU 4 runs at 1200000 kHz
