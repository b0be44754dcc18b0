Feature: Guests query frequencies and capabilities of their own vCPUs
  Queries are answered only for VMs whose queries the operator enabled, and only about the
  channel's own VM, whatever name the packet claims.

  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the host has run "add_vm vm2"
    And the host has run "add_channels vm1 all"
    And the host has run "add_channels vm2 all"

  Scenario: Queries are refused until enabled
    When the guest of vm1 on channel 0 queries the frequency list as VM "vm1"
    Then the guest of vm1 on channel 0 receives no reply
    And the host counted 1 refused_query_disabled on vm1 channel 0

  Scenario: A guest claiming another VM's name learns only about its own vCPUs
    Given the host has run "set_query vm1 enable"
    And the host has run "set_cpu_freq 3 min"
    When the guest of vm1 on channel 0 queries the frequency list as VM "vm2"
    Then the guest of vm1 on channel 0 receives frequencies "2600000,1200000"

  Scenario: Capabilities of one vCPU
    Given the host has run "set_query vm2 enable"
    When the guest of vm2 on channel 1 queries the capabilities of vCPU 2
    Then the guest of vm2 on channel 1 receives capabilities turbo 1 priority 0

  Scenario: CONNECT gets no reply; a policy packet naming no vCPU is refused
    When the guest of vm1 on channel 0 sends command 2 for vCPU 0
    Then the guest of vm1 on channel 0 receives no reply
    # a PKT_POLICY with every policy field zero: num_vcpu 0 (docs/policies.md has the checks)
    When the guest of vm1 on channel 0 sends command 3 for vCPU 0
    Then the guest of vm1 on channel 0 receives a NACK
    And the host counted 1 nack_policy_bad_vcpu on vm1 channel 0
