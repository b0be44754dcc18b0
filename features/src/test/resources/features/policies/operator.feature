Feature: Operators set, show and remove policies
  show_policies shows per VM the rule as set_policy takes it, who set it, the last decision and
  when, what was measured, the counts and the demands; set_policy checks every word and changes
  nothing when one is wrong.

  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And the host has run "add_vm vm2"

  Scenario: show_policies, as the README shows it
    Given vCPU 0 of vm2 is 95 % busy
    And the host has run "set_policy vm1 workload level=high"
    When I run "set_policy vm2 busy target=75" on the host
    Then the output is:
      """
      VM 'vm2': policy set: busy target=75 band=5 period=100ms cooldown=300ms
      """
    When I run "set_vm_cap vm2 2400000" on the host
    Then the output is:
      """
      VM 'vm2': capped at 2400000 kHz (pCPUs 4-7)
      """
    When I run "set_policy vm1 busy target=101" on the host
    Then the error says "Error: target=101 is out of range: use 1-100"
    When the simulated clock advances 100 ms
    And I run "show_policies" on the host
    Then the output matches, <n> standing for any number:
      """
      vm1: workload level=high (set by the operator)
        last decision: workload high: max on pCPU(s) 2-3 at 2024-01-01T00:00Z
        decisions 1, changes 1, failures 0
        demands: pCPU 2 2601000 kHz (policy), pCPU 3 2601000 kHz (policy)
      vm2: busy target=75 band=5 period=100ms cooldown=300ms (set by the operator); cap 2400000 kHz
        last decision: busy 100% 0% 0% 0%: pCPU 5 -> 1200000, pCPU 6 -> 1200000, pCPU 7 -> 1200000 kHz at 2024-01-01T00:00:00.100Z
        measured: busy 100% 0% 0% 0%
        decisions 1, changes 1, failures 0
        demands: pCPU 4 2400000 kHz (policy), pCPU 5 1200000 kHz (policy), pCPU 6 1200000 kHz (policy), pCPU 7 1200000 kHz (policy)
      Time zone of TIME policies: UTC
      BRANCH_RATIO: not available: this host has no per-CPU branch counters (DPDK reads them from MSRs, which vmpower does not use)
      Dedicated CPUs: none
      Sampling: simulated (vCPU load and packet rates over the simulated clock); 2 reads of 2 VMs, <n> µs per VM, last <n> ms, shortest <n> ms, 0 failed
      """

  Scenario: show_stats counts each VM's policy decisions
    Given the host has run "set_policy vm1 workload level=low"
    When I run "show_stats" on the host
    Then the output contains "POLICY       DECISIONS  CHANGES FAILURES      SET"
    And the output contains "vm1                  workload             1        1        0        1"

  Scenario Outline: A wrong word is refused and changes nothing
    When I run "set_policy <line>" on the host
    Then the command fails
    And the error says "<error>"
    And no CPU frequency was written
    When I run "show_policies vm1" on the host
    Then the output contains "vm1: no policy"

    Examples:
      | line                                   | error                                                                                   |
      | vm1 nap                                | unknown policy 'nap': use busy, workload, time, traffic, branch_ratio                    |
      | vm1 busy speed=3                       | unknown parameter 'speed' for a busy policy: use target, band, period, cooldown, vcpus, guests |
      | vm1 busy target                        | 'target' is not a parameter: write key=value, e.g. target=80                             |
      | vm1 busy period=5ms                    | period must be 10 ms to 1 h, got 5 ms                                                    |
      | vm1 busy vcpus=2                       | vCPU 2 does not exist (VM 'vm1' has 2 vCPUs: 0-1)                                        |
      | vm1 workload level=turbo               | level='turbo': use high, medium or low                                                   |
      | vm1 time busy=25                       | busy='25' is not a list of hours: use 0-23 like 17-23,2                                  |
      | vm1 traffic macs=52:54:00:00:00:01 max=5 | VM 'vm1' has no interface with MAC 52:54:00:00:00:01 (it has no interface)            |
      | vm1 branch_ratio                       | BRANCH_RATIO is not available: this host has no per-CPU branch counters                  |
      | vm9 busy                               | Unknown VM 'vm9' (known: vm1, vm2)                                                       |

  Scenario: rm_policy of a VM without one fails
    When I run "rm_policy vm1" on the host
    Then the command fails
    And the error says "VM 'vm1' has no policy"

  Scenario: A policy goes with its VM
    Given the host has run "set_policy vm1 workload level=low"
    When I run "rm_vm vm1" on the host
    Then the command succeeds
    When I run "show_policies" on the host
    Then the output does not contain "vm1"

  Scenario: A program sets, uses and removes a policy with DPDK's JSON instructions on the control socket
    Given the host serves its control socket to group "vmpower" (gid 995)
    When a program sends these lines on the control socket:
      """
      {"id":1,"vm":"vm1","policy":{"command":"CREATE","policy_type":"TIME","busy_hours":[17,18,19],"quiet_hours":[2,3],"core_list":[0]}}
      {"id":2,"vm":"vm2","instruction":{"command":"power","unit":"SCALE_MIN","resource_id":0}}
      {"id":3,"vm":"vm1","policy":{"command":"create","policy_type":"WORKLOAD","workload":"HIGH","colour":"red"}}
      {"id":4,"policy":{"command":"destroy","name":"vm2"}}
      """
    Then it reads these replies:
      """
      {"id":1,"status":0,"output":["VM 'vm1': policy set: time busy=17-19 quiet=2-3 vcpus=0"],"error":[]}
      {"id":2,"status":0,"output":["VM 'vm2' vCPU 0: min changed"],"error":[]}
      {"id":3,"status":2,"output":[],"error":["Error: JSON instruction: unknown key 'colour': DPDK's keys are avg_packet_thresh, busy_hours, command, core_list, mac_list, max_packet_thresh, name, policy_type, quiet_hours, resource_id, unit, workload"]}
      {"id":4,"status":1,"output":[],"error":["Error: VM 'vm2' has no policy"]}
      """
    And pCPU 4 runs at 1200000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "vm1: time busy=17-19 quiet=2-3 vcpus=0 (set by the operator)"
