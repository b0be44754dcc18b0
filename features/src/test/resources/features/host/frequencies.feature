Feature: Operators inspect and scale CPU frequencies by hand
  Background:
    Given the simulated host of the default scenario

  Scenario: show_cpu_freq prints the reference's line
    When I run "show_cpu_freq 3" on the host
    Then the output is:
      """
      Core 3 frequency: 2600000
      """

  Scenario: set_cpu_freq reports what changed per core
    When I run "set_cpu_freq 3 down" on the host
    Then the command succeeds
    And the output contains "Core 3: 2600000 -> 2400000 kHz"
    And pCPU 3 runs at 2400000 kHz
    When I run "set_cpu_freq 0x3 min" on the host
    Then pCPU 3 runs at 1200000 kHz

  Scenario: Masks name several cores, in hex or decimal
    When I run "set_cpu_freq_mask 0xc min" on the host
    Then pCPUs "2,3" run at 1200000 kHz
    When I run "show_cpu_freq_mask 12" on the host
    Then the output is:
      """
      Core 2 frequency: 1200000
      Core 3 frequency: 1200000
      """

  Scenario: Turbo on and off
    When I run "set_cpu_freq 1 enable_turbo" on the host
    Then pCPU 1 runs at 2601000 kHz
    When I run "set_cpu_freq 1 disable_turbo" on the host
    Then pCPU 1 runs at 2600000 kHz
    When I run "set_cpu_freq 1 up" on the host
    Then the output contains "unchanged at 2600000 kHz"

  Scenario: Bad input is refused and changes nothing
    When I run "set_cpu_freq 12 down" on the host
    Then the command fails
    And the error says "CPU 12 does not exist (host has 8)"
    When I run "set_cpu_freq 3 sideways" on the host
    Then the command fails
    And the error says "unknown scaling 'sideways'"
    When I run "show_cpu_freq_mask 0xzz" on the host
    Then the command fails
    And the error says "is not a CPU mask"
    And no CPU frequency was written

  Scenario: show_cpus shows every CPU and the vCPUs on it
    Given the host has run "add_vm vm1"
    When I run "show_cpus" on the host
    Then the output contains "acpi-cpufreq"
    And the output contains "vm1:1"

  Scenario: Shutting down restores every CPU
    Given the host has run "set_cpu_freq_mask 0xff min"
    When I shut the host down
    Then every pCPU is back at 2600000 kHz

  Scenario: A CPU whose writes fail (EACCES) is reported; the others are still served and restored
    Given the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"
    And pCPU 2 fails every frequency write with "EACCES"
    When I run "set_cpu_freq_mask 0xc down" on the host
    Then the command fails
    And the output contains "Core 2: failed: cpu2: write"
    And the output contains "Core 3: 2600000 -> 2400000 kHz"
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives a NACK
    When the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    And pCPU 3 runs at 2200000 kHz
    When I shut the host down
    Then pCPU 3 runs at 2600000 kHz
