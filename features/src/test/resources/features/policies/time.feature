Feature: TIME policies follow the hours of the host's time zone on the simulated clock
  Busy hours run at max, quiet hours at min, traffic hours by the packet rate; an hour listed
  nowhere makes no demand. The simulated clock starts at 2024-01-01T00:00:00Z.

  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"

  Scenario: Across hour boundaries
    Given the simulated time is "2024-01-01T16:59:00Z"
    When the guest of vm1 on channel 0 sends the policy:
      | policy      | TIME  |
      | busy_hours  | 17,18 |
      | quiet_hours | 19    |
      | vcpus       | 0     |
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 2 runs at 2600000 kHz
    When the simulated clock advances 59 seconds
    Then pCPU 2 runs at 2600000 kHz
    When the simulated clock advances 1 second
    Then pCPU 2 runs at 2601000 kHz
    When the simulated clock advances 1 hour
    Then pCPU 2 runs at 2601000 kHz
    When the simulated clock advances 1 hour
    Then pCPU 2 runs at 1200000 kHz
    When the simulated clock advances 1 hour
    Then pCPU 2 runs at 1200000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "last decision: hour 20: no demand at 2024-01-01T20:00Z"

  Scenario: A zeroed hour list is empty: DPDK's midnight quirk is not copied
    Given the simulated time is "2024-01-01T00:30:00Z"
    When the guest of vm1 on channel 0 sends the policy:
      | policy     | TIME     |
      | busy_hours | 17,18,19 |
      | vcpus      | 0        |
    Then pCPU 2 runs at 2600000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "time busy=17-19 vcpus=0"

  Scenario: Midnight is an hour when it is listed before another one or before a -1
    Given the simulated time is "2024-01-01T00:30:00Z"
    When the guest of vm1 on channel 0 sends the policy:
      | policy      | TIME |
      | quiet_hours | 0,-1 |
      | vcpus       | 0    |
    Then pCPU 2 runs at 1200000 kHz
