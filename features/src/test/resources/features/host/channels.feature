Feature: Operators attach, disable and remove channels
  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"

  Scenario: add_channels by list, and errors for channels out of range
    When I run "add_channels vm1 0" on the host
    Then the command succeeds
    And the output contains "Channel vm1.0"
    When I run "add_channels vm1 0x40" on the host
    Then the command fails
    And the error says "channel 64 is out of range: channel numbers run 0-63"
    When I run "add_channels vm1 5" on the host
    Then the command fails
    And the output contains "no socket"

  Scenario: A disabled channel drops requests, an enabled one serves them again
    Given the host has run "add_channels vm1 all"
    When I run "set_channel_status vm1 1 disabled" on the host
    Then the output contains "DISABLED"
    When the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the host counted 1 dropped_disabled on vm1 channel 1
    And pCPU 3 runs at 2600000 kHz
    When I run "set_channel_status vm1 all enabled" on the host
    And the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 3 runs at 2400000 kHz

  Scenario: A hung-up channel is re-attached by itself
    Given the host has run "add_channels vm1 all"
    When the simulated host hangs up vm1 channel 0
    Then the host counted 1 hangups on vm1 channel 0
    And the host counted 2 attaches on vm1 channel 0
    And channel 0 of vm1 becomes CONNECTED
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK

  Scenario: A VM that stops leaves its channels DISCONNECTED until it starts again
    Given the host has run "add_channels vm1 all"
    When the simulated VM vm1 stops
    Then channel 0 of vm1 becomes DISCONNECTED
    And channel 1 of vm1 becomes DISCONNECTED
    When I run "show_vm vm1" on the host
    Then the output contains "VM: 'vm1', status = INACTIVE"
    And the output contains "status = DISCONNECTED"
    When the simulated clock advances 10 seconds
    Then channel 0 of vm1 becomes DISCONNECTED
    When the simulated VM vm1 starts
    Then channel 0 of vm1 becomes CONNECTED
    And channel 1 of vm1 becomes CONNECTED
    When the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK

  Scenario: show_stats accounts for every request
    Given the host has run "add_channels vm1 all"
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    And the guest of vm1 on channel 0 asks to scale down vCPU 9
    Then the host has served 2 requests on vm1 channel 0
    When I run "show_stats" on the host
    Then the output contains "vm1"
    And the output contains "nack_unknown_vcpu=1"
