@real
Feature: Faults on real components end with the host serving again, or exiting cleanly
  Background:
    Given a libvirt test node with running VM "vm1" whose vCPUs are pinned to "2;3"
    And a cpufreq tree of 4 acpi-cpufreq CPUs with governor "userspace" at 2600000 kHz
    And QEMU listens on channel 0 of vm1
    And the host runs with the Linux HAL on them

  Scenario: A channel socket deleted and re-created is re-attached by itself
    When I type "add_vm vm1" at the host
    And I type "add_channels vm1 0" at the host
    Then the host attaches channel 0 of vm1
    When QEMU stops and removes the socket of channel 0 of vm1
    Then typing "show_vm vm1" at the host eventually prints "status = DISCONNECTED"
    When QEMU listens on channel 0 of vm1
    Then the host re-attaches channel 0 of vm1 by itself
    When the guest on channel 0 of vm1 asks to scale down vCPU 0
    Then the guest on channel 0 of vm1 reads an ACK
    And the cpufreq tree has cpu2 at 2400000 kHz with governor "userspace"
    When I type "quit" at the host
    Then the host exits with status 0
    And the cpufreq tree is exactly as before the host started

  Scenario: A missing channel folder is reported and the host keeps working
    Given the channel folder is removed
    When I type "add_vm vm1" at the host
    And I type "add_channels vm1 all" at the host
    Then the host reports the error "cannot read the channel folder"
    When I type "set_cpu_freq 1 min" at the host
    Then the host prints "Core 1: 2600000 -> 1200000 kHz"
    When I type "quit" at the host
    Then the host exits with status 1
    And the cpufreq tree is exactly as before the host started
