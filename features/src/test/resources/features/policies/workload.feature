Feature: A guest's WORKLOAD policy
  DPDK's guest sends one packet holding its whole policy; the host checks it like any guest
  input, ACKs it and applies it to the pCPUs of the vCPUs it names.

  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"

  Scenario: HIGH runs the pCPUs of the vCPUs it names at max
    When the guest of vm1 on channel 0 sends the policy:
      | policy   | WORKLOAD |
      | workload | HIGH     |
      | vcpus    | 0,1      |
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPUs "2,3" run at 2601000 kHz
    And the host counted 1 policy_acked on vm1 channel 0
    When I run "show_policies vm1" on the host
    Then the output contains "vm1: workload level=high vcpus=0-1 (set by the guest)"
    And the output contains "last decision: workload high: max on pCPU(s) 2-3 at 2024-01-01T00:00Z"

  Scenario Outline: MEDIUM is the middle of the table, LOW its lowest entry
    When the guest of vm1 on channel 1 sends the policy:
      | policy   | WORKLOAD   |
      | workload | <workload> |
      | vcpus    | 1          |
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 3 runs at <khz> kHz
    And pCPU 2 runs at 2600000 kHz

    Examples:
      | workload | khz     |
      | MEDIUM   | 2000000 |
      | LOW      | 1200000 |

  Scenario: A new packet replaces the policy; a removal leaves the CPUs where they are
    When the guest of vm1 on channel 0 sends the policy:
      | policy   | WORKLOAD |
      | workload | LOW      |
      | vcpus    | 0        |
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 2 runs at 1200000 kHz
    When the guest of vm1 on channel 0 sends the policy:
      | policy   | WORKLOAD |
      | workload | HIGH     |
      | vcpus    | 1        |
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 3 runs at 2601000 kHz
    And pCPU 2 runs at 1200000 kHz
    When the guest of vm1 on channel 0 removes its policy
    Then the guest of vm1 on channel 0 receives an ACK
    When I run "show_policies vm1" on the host
    Then the output contains "vm1: no policy"
    And pCPU 3 runs at 2601000 kHz

  Scenario: A policy is re-applied when its VM starts again
    When the guest of vm1 on channel 0 sends the policy:
      | policy   | WORKLOAD |
      | workload | LOW      |
      | vcpus    | 0        |
    Then pCPU 2 runs at 1200000 kHz
    When I run "set_cpu_freq 2 max" on the host
    And the simulated VM vm1 stops
    And the simulated VM vm1 starts
    Then pCPU 2 runs at 1200000 kHz
