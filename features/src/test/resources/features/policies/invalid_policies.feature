Feature: Every invalid policy packet is refused with its own counted reason
  A policy packet is guest input: checked completely, NACKed with a reason counted in show_stats,
  and nothing changes.

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
          channels: [0]
          interfaces:
            - mac: "52:54:00:00:01:01"
      """
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"

  Scenario Outline: <what>
    When the guest of vm1 on channel 0 sends the policy:
      | policy        | <policy>     |
      | vcpus         | <vcpus>      |
      | workload      | <workload>   |
      | busy_hours    | <busy>       |
      | quiet_hours   | <quiet>      |
      | macs          | <macs>       |
      | thresholds    | <thresholds> |
      | core_type     | <core_type>  |
    Then the guest of vm1 on channel 0 receives a NACK
    And the host counted 1 <reason> on vm1 channel 0
    And no CPU frequency was written
    When I run "show_policies vm1" on the host
    Then the output contains "vm1: no policy"

    Examples:
      | what                                   | policy       | vcpus | workload | busy  | quiet | macs              | thresholds | core_type | reason                         |
      | core_type physical                     | WORKLOAD     | 0     | HIGH     | 0     | 0     | 52:54:00:00:01:01 | 0,0,1      | physical  | nack_policy_physical_core      |
      | an unknown policy type                 | 7            | 0     | HIGH     | 0     | 0     | 52:54:00:00:01:01 | 0,0,1      | virtual   | nack_policy_unknown_type       |
      | a vCPU the VM does not have            | WORKLOAD     | 0,2   | HIGH     | 0     | 0     | 52:54:00:00:01:01 | 0,0,1      | virtual   | nack_policy_bad_vcpu           |
      | an unknown workload                    | WORKLOAD     | 0     | 3        | 0     | 0     | 52:54:00:00:01:01 | 0,0,1      | virtual   | nack_policy_unknown_workload   |
      | an hour that does not exist            | TIME         | 0     | HIGH     | 24    | 0     | 52:54:00:00:01:01 | 0,0,1      | virtual   | nack_policy_bad_hours          |
      | an hour that is busy and quiet         | TIME         | 0     | HIGH     | 9     | 9     | 52:54:00:00:01:01 | 0,0,1      | virtual   | nack_policy_bad_hours          |
      | a TIME policy with no hour             | TIME         | 0     | HIGH     | 0     | 0     | 52:54:00:00:01:01 | 0,0,1      | virtual   | nack_policy_bad_hours          |
      | a multicast MAC                        | TRAFFIC      | 0     | HIGH     | 0     | 0     | 01:00:5e:00:00:01 | 0,0,1      | virtual   | nack_policy_bad_mac            |
      | a MAC the VM does not have             | TRAFFIC      | 0     | HIGH     | 0     | 0     | 52:54:00:00:09:09 | 0,0,1      | virtual   | nack_policy_unknown_mac        |
      | thresholds out of order                | TRAFFIC      | 0     | HIGH     | 0     | 0     | 52:54:00:00:01:01 | 0,5,1      | virtual   | nack_policy_bad_thresholds     |
      | BRANCH_RATIO without branch counters   | BRANCH_RATIO | 0     | HIGH     | 0     | 0     | 52:54:00:00:01:01 | 0,0,1      | virtual   | nack_policy_no_branch_counters |

  Scenario: Too many vCPUs and too many MACs
    When the guest of vm1 on channel 0 sends the policy:
      | policy   | WORKLOAD |
      | num_vcpu | 9        |
    Then the guest of vm1 on channel 0 receives a NACK
    When the guest of vm1 on channel 0 sends the policy:
      | policy     | TRAFFIC           |
      | vcpus      | 0                 |
      | macs       | 52:54:00:00:01:01 |
      | nb_mac     | 11                |
      | thresholds | 0,0,1             |
    Then the guest of vm1 on channel 0 receives a NACK
    And the host counted 1 nack_policy_bad_vcpu on vm1 channel 0
    And the host counted 1 nack_policy_bad_mac on vm1 channel 0

  Scenario: A removal without a policy, and a guest may not replace the operator's
    When the guest of vm1 on channel 0 removes its policy
    Then the guest of vm1 on channel 0 receives a NACK
    And the host counted 1 nack_policy_none on vm1 channel 0
    Given the host has run "set_policy vm1 workload level=low"
    When the guest of vm1 on channel 0 sends the policy:
      | policy   | WORKLOAD |
      | vcpus    | 0        |
      | workload | HIGH     |
    Then the guest of vm1 on channel 0 receives a NACK
    And the host counted 1 nack_policy_held on vm1 channel 0
    And pCPU 2 runs at 1200000 kHz
    When I run "show_stats" on the host
    Then the output contains "nack_policy_held=1 nack_policy_none=1"
    And the output contains "vm1                  workload             1        1        0        1"
