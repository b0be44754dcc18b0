@real
Feature: The sim_* commands are refused on a real host
  On the Linux HAL only the real world restarts VMs, hangs up channels, takes CPUs offline,
  loads vCPUs and moves the clock: each sim_* command is an error that says so and changes
  nothing.

  Background:
    Given a libvirt test node with running VM "vm1" whose vCPUs are pinned to "2;3"
    And a cpufreq tree of 4 acpi-cpufreq CPUs with governor "userspace" at 2600000 kHz
    And the host runs with the Linux HAL on them

  Scenario Outline: <command> is refused on the Linux HAL
    When I type "<command>" at the host
    Then the host reports the error "<name> drives the simulated host: this host runs on the Linux HAL"
    When I type "quit" at the host
    Then the host exits with status 1
    And the cpufreq tree is exactly as before the host started

    Examples:
      | command              | name        |
      | sim_restart vm1      | sim_restart |
      | sim_hangup vm1 0     | sim_hangup  |
      | sim_offline 1        | sim_offline |
      | sim_online 1         | sim_online  |
      | sim_load vm1 0 50    | sim_load    |
      | sim_advance 1h       | sim_advance |
