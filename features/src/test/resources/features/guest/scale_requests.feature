Feature: Guests scale the physical CPUs their vCPUs run on
  A guest names only its own vCPUs; the host translates each to the pCPUs it is pinned to,
  changes their frequency and answers ACK, or NACK when it refuses.

  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the host has run "add_vm vm2"
    And the host has run "add_channels vm1 all"
    And the host has run "add_channels vm2 all"

  Scenario: Scale down vCPU 1 of vm1: pCPU 3 drops one step and the guest gets an ACK
    When the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 3 runs at 2400000 kHz
    And pCPU 2 runs at 2600000 kHz

  Scenario: A vCPU the VM does not have is refused and nothing changes
    When the guest of vm1 on channel 1 asks to scale down vCPU 7
    Then the guest of vm1 on channel 1 receives a NACK
    And no CPU frequency was written
    And the host counted 1 nack_unknown_vcpu on vm1 channel 1

  Scenario: A request split across two reads is served once
    When the guest of vm1 on channel 0 asks to scale down vCPU 0 in two parts of 100 and 364 bytes
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 2 runs at 2400000 kHz
    And the host has served 1 request on vm1 channel 0

  Scenario Outline: Every unit moves the pinned pCPU as DPDK's tables say
    When the guest of vm2 on channel 2 asks to "<op>" vCPU 3
    Then the guest of vm2 on channel 2 receives an ACK
    And pCPU 7 runs at <khz> kHz

    Examples:
      | op            | khz     |
      | up            | 2601000 |
      | down          | 2400000 |
      | max           | 2601000 |
      | min           | 1200000 |
      | enable turbo  | 2601000 |
      | disable turbo | 2600000 |

  Scenario: A guest may not name a physical core
    When the guest of vm1 on channel 0 asks to scale down physical core 0
    Then the guest of vm1 on channel 0 receives a NACK
    And no CPU frequency was written

  Scenario: A re-pin made by the hypervisor is used by the next request
    When the simulated hypervisor re-pins vCPU 0 of vm1 to pCPUs "5"
    And the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 5 runs at 2400000 kHz
    And pCPU 2 runs at 2600000 kHz

  Scenario: A failed frequency write is a NACK and the CPU keeps its frequency
    Given pCPU 3 fails every frequency write with "EBUSY"
    When the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives a NACK
    And pCPU 3 runs at 2600000 kHz
