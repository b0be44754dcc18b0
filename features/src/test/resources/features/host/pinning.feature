Feature: Operators re-pin vCPUs through the hypervisor
  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"

  Scenario: set_pcpu moves a vCPU and the next request follows it
    When I run "set_pcpu vm1 1 6" on the host
    Then the command succeeds
    And the output contains "vCPU 1 of 'vm1' pinned to Physical CPU Mask 0x40"
    When the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 6 runs at 2400000 kHz
    And pCPU 3 runs at 2600000 kHz

  Scenario: set_pcpu_mask pins to several pCPUs, and a request scales them all
    When I run "set_pcpu_mask vm1 0 0x30" on the host
    Then the command succeeds
    When I run "show_vm vm1" on the host
    Then the output contains "[0]: Physical CPU Mask 0x30"
    When the guest of vm1 on channel 0 asks to scale min vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPUs "4,5" run at 1200000 kHz

  Scenario: Pinning to a pCPU or vCPU that does not exist is refused
    When I run "set_pcpu vm1 0 12" on the host
    Then the command fails
    And the error says "pCPU 12 does not exist (host has 8)"
    When I run "set_pcpu vm1 5 1" on the host
    Then the command fails
    And the error says "vCPU 5 does not exist (VM 'vm1' has 2 vCPUs: 0-1)"
    When I run "set_pcpu_mask vm1 0 0x1000000000000000000" on the host
    Then the command fails
    And the error says "pCPU 72 does not exist (host has 8)"

  Scenario: While the hypervisor is unreachable, guests are served with the pinning last known
    When the simulated hypervisor becomes unreachable
    And the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 3 runs at 2400000 kHz
    When I run "show_vm vm1" on the host
    Then the output contains "(hypervisor unreachable: pinning as last known)"
    When I run "set_pcpu vm1 1 5" on the host
    Then the command fails
    When the simulated hypervisor is reachable again
    And the simulated hypervisor re-pins vCPU 1 of vm1 to pCPUs "5"
    And the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 5 runs at 2400000 kHz
