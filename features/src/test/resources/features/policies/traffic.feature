Feature: TRAFFIC policies follow the packets the VM's interfaces receive
  The host reads the VM's own interface counters (libvirt's interface statistics, simulated
  counters here): at least max_max packets/s runs at max, at least avg_max at medium, below at
  min, measured over each second.

  Background:
    Given a simulated host described by:
      """
      host:
        cpus: 8
        frequencies: [2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000]
        initialKhz: 2600000
      vms:
        - name: vm1
          vcpus: 2
          pinning: ["2", "3"]
          channels: [0, 1]
          interfaces:
            - mac: "52:54:00:00:01:01"
            - mac: "52:54:00:00:01:02"
      """
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"
    When the guest of vm1 on channel 0 sends the policy:
      | policy     | TRAFFIC                    |
      | macs       | 52:54:00:00:01:01          |
      | thresholds | 96000,1800000,2000000      |
      | vcpus      | 0                          |
    Then the guest of vm1 on channel 0 receives an ACK

  Scenario: Packet counters rising and falling
    When interface 52:54:00:00:01:01 of vm1 starts receiving 2000000 packets per second
    And the simulated clock advances 2 seconds
    Then pCPU 2 runs at 2601000 kHz
    When interface 52:54:00:00:01:01 of vm1 starts receiving 1900000 packets per second
    And the simulated clock advances 2 seconds
    Then pCPU 2 runs at 2000000 kHz
    When interface 52:54:00:00:01:01 of vm1 starts receiving 50000 packets per second
    And the simulated clock advances 2 seconds
    Then pCPU 2 runs at 1200000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "measured: 50000 packets/s"
    And pCPU 3 runs at 2600000 kHz

  Scenario: Only the interfaces it names count
    When interface 52:54:00:00:01:02 of vm1 starts receiving 5000000 packets per second
    And the simulated clock advances 2 seconds
    Then pCPU 2 runs at 1200000 kHz

  Scenario: An interface that goes away is reported, and the last frequency held
    When interface 52:54:00:00:01:01 of vm1 starts receiving 2000000 packets per second
    And the simulated clock advances 2 seconds
    Then pCPU 2 runs at 2601000 kHz
    When the simulated host unplugs interface 52:54:00:00:01:01 of vm1
    And the simulated clock advances 3 seconds
    Then pCPU 2 runs at 2601000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "holding the last frequency since 2024-01-01T00:00:02Z: interface 52:54:00:00:01:01 of VM 'vm1' is gone"
    And the output contains "failures 4"
