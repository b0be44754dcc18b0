@real
Feature: The host on real components: libvirt's test driver, a cpufreq tree and AF_UNIX sockets
  The host program runs as on a KVM host (Linux HAL), against libvirt's test driver, a cpufreq
  tree of plain files standing for /sys, and a socket bound by a listener that plays QEMU.

  Background:
    Given a libvirt test node with running VM "vm1" whose vCPUs are pinned to "2;3"
    And a libvirt test node with shut-off VM "vm3" whose vCPUs are pinned to "0-3;0-3"
    And a cpufreq tree of 4 acpi-cpufreq CPUs with governor "userspace" at 2600000 kHz
    And QEMU listens on channel 0 of vm1
    And the host runs with the Linux HAL on them

  Scenario: A guest's request scales the pCPU libvirt pins its vCPU to; quit restores the tree
    When I type "add_vm vm1" at the host
    And I type "add_channels vm1 all" at the host
    Then the host attaches channel 0 of vm1
    And the host prints "Channel vm1.0"
    When the guest on channel 0 of vm1 asks to scale down vCPU 1
    Then the guest on channel 0 of vm1 reads an ACK
    And the cpufreq tree has cpu3 at 2400000 kHz with governor "userspace"
    And the cpufreq tree of cpu2 was not written
    When the guest on channel 0 of vm1 asks to scale down vCPU 7
    Then the guest on channel 0 of vm1 reads an NACK
    When I type "show_vm vm1" at the host
    Then the host prints "[1]: Physical CPU Mask 0x8"
    When I type "quit" at the host
    Then the host exits with status 0
    And the cpufreq tree is exactly as before the host started

  Scenario: Re-pinning through libvirt moves the next request to the new pCPU
    When I type "add_vm vm1" at the host
    And I type "add_channels vm1 0" at the host
    Then the host attaches channel 0 of vm1
    When I type "set_pcpu vm1 1 0" at the host
    Then the host prints "vCPU 1 of 'vm1' pinned to Physical CPU Mask 0x1"
    When the guest on channel 0 of vm1 asks to scale min vCPU 1
    Then the guest on channel 0 of vm1 reads an ACK
    And the cpufreq tree has cpu0 at 1200000 kHz with governor "userspace"
    And the cpufreq tree of cpu3 was not written

  Scenario: A shut-off VM can be added, its channels cannot; errors make the exit status non-zero
    When I type "add_vm vm3" at the host
    Then the host prints "VM 'vm3' added: 2 vCPU(s), INACTIVE"
    When I type "add_channels vm3 all" at the host
    Then the host reports the error "VM 'vm3' is not running: start it before adding channels"
    When I type "set_pcpu vm1 0 9" at the host
    Then the host reports the error "Unknown VM 'vm1' (known: vm3)"
    When I type "quit" at the host
    Then the host exits with status 1
    And the cpufreq tree is exactly as before the host started
