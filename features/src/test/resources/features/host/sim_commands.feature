Feature: Driving the simulated host from the prompt (sim_* commands, watch_cpus)
  On the simulated host an operator makes the world move: a VM's QEMU restarts, a channel hangs
  up, a CPU goes offline, a vCPU's load changes, the clock moves. Each sim_* command does what the
  simulator's driver does, through the same events a real host would see; bad input is an error
  that changes nothing. (Their refusal on the Linux HAL: features/real/sim_refused.feature.)

  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"

  Scenario: sim_load sets a vCPU's load; the busy policy follows it
    Given the host has run "set_policy vm1 busy"
    When I run "sim_load vm1 0 100" on the host
    Then the command succeeds
    And the output is:
      """
      vCPU 0 of vm1 loaded 100.0 %
      """
    And vCPU 0 of vm1 is loaded 100 %
    When the simulated clock advances 1 second
    Then pCPU 2 runs at 2601000 kHz

  Scenario: sim_load refuses what is not a load and changes nothing
    When I run "sim_load vm1 7 50" on the host
    Then the command fails
    And the error says "vCPU 7 does not exist (VM 'vm1' has 2)"
    When I run "sim_load vm1 0 150" on the host
    Then the command fails
    And the error says "150.0 is not a busy share; use 0-100 %"
    When I run "sim_load vm1 0 lots" on the host
    Then the error says "'lots' is not a load; use 0-100 or auto"
    And vCPU 0 of vm1 is loaded 0 %

  Scenario: sim_hangup hangs up a channel, which the monitor re-attaches
    When I run "sim_hangup vm1 0" on the host
    Then the command succeeds
    And the output is:
      """
      Channel vm1.0 hung up
      """
    And the host counted 1 hangups on vm1 channel 0
    And channel 0 of vm1 becomes CONNECTED
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    When I run "sim_hangup vm1 9" on the host
    Then the command fails
    And the error says "vm1"

  Scenario: sim_restart stops and starts a VM's QEMU; its channels come back
    When I run "sim_restart vm1" on the host
    Then the command succeeds
    And the output is:
      """
      VM 'vm1' restarted (stopped, then started)
      """
    And channel 0 of vm1 becomes CONNECTED
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    When I run "sim_restart nosuchvm" on the host
    Then the command fails
    And the error says "nosuchvm"

  Scenario: sim_offline takes a CPU offline, sim_online brings it back
    When I run "sim_offline 3" on the host
    Then the command succeeds
    And the output is:
      """
      CPU 3 is offline
      """
    When I run "show_cpus" on the host
    Then the output contains "3    offline"
    When I run "sim_online 3" on the host
    Then the output is:
      """
      CPU 3 is online
      """
    When I run "sim_offline 99" on the host
    Then the command fails

  Scenario: sim_advance moves the simulated clock
    When I run "sim_advance 1h30m" on the host
    Then the command succeeds
    And the output contains "now 2024-01-01T01:30:00Z"
    When I run "sim_advance soon" on the host
    Then the command fails
    And the error says "'soon' is not a duration; use e.g. 24h, 90m, 30s, 250ms, 1h30m"

  Scenario: watch_cpus in a script prints --count frames; without it, it says why not
    When I run "watch_cpus --count 2 --interval 0.2" on the host
    Then the command succeeds
    And the output contains "BUSY %: cpu0=0"
    And the output contains "Simulated time 2024-01-01T00:00:00Z"
    When I run "watch_cpus" on the host
    Then the command fails
    And the error says "in a script or from standard input give --count N"
