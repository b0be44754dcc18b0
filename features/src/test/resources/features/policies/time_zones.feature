Feature: The hour of TIME policies is the configured time zone's
  The host is configured with a time zone (--time-zone; the system's by default); the same
  instant on the simulated clock is another hour elsewhere.

  Scenario Outline: The same instant is another hour in another time zone
    Given policies use the time zone "<zone>"
    And the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the simulated time is "2024-01-01T08:30:00Z"
    When I run "set_policy vm1 time busy=<busy> vcpus=0" on the host
    Then pCPU 2 runs at <khz> kHz
    When I run "show_policies" on the host
    Then the output contains "Time zone of TIME policies: <zone>"

    Examples:
      | zone             | busy | khz     |
      | UTC              | 8    | 2601000 |
      | Asia/Tokyo       | 17   | 2601000 |
      | America/New_York | 8    | 2600000 |
      | America/New_York | 3    | 2601000 |
