Feature: Settings changed behind vmpower's back are noticed (drift), like tuned-adm verify
  verify lists every CPU setting vmpower manages that no longer holds what it wrote; the drift
  check (on a timer in the running host) logs and counts each, then adopts or re-applies it.

  Scenario: verify lists what differs and fails; it changes nothing
    Given the simulated host of the default scenario
    When I run "verify" on the host
    Then the output is:
      """
      Nothing to verify: vmpower has not changed any CPU setting yet
      """
    Given the host has run "set_cpu_freq 2 down"
    And the host has run "set_cpu_freq 3 min"
    When I run "verify" on the host
    Then the command succeeds
    And the output is:
      """
      Verified: all 4 managed CPU setting(s) hold what vmpower wrote
      """
    When someone else sets pCPU 2 to 1800000 kHz
    And someone else sets the governor of pCPU 3 to ondemand
    And I run "verify" on the host
    Then the command fails
    And the output is:
      """
      CPU   SETTING                  WRITTEN        FOUND
      2     scaling_setspeed         2400000        1800000
      3     scaling_governor         userspace      ondemand
      2 of 4 managed CPU setting(s) differ from what vmpower wrote
      """
    And pCPU 2 runs at 1800000 kHz
    Given the host serves its control socket to group "vmpower" (gid 995)
    When I run "verify" through the control socket with --json
    Then the exit status is 1
    And the output is:
      """
      {"schema":1,"verify":{"checked":4,"drifted":[{"cpu":2,"setting":"scaling_setspeed","written":"2400000","found":"1800000","action":"none"},{"cpu":3,"setting":"scaling_governor","written":"userspace","found":"ondemand","action":"none"}]}}
      """

  Scenario: Adopt (the default): the outside frequency becomes the one requests scale from
    Given the simulated host of the default scenario with its metrics endpoint and drift action adopt
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    When someone else sets pCPU 2 to 1800000 kHz
    And the drift check runs
    And Prometheus scrapes the host
    Then the metric "vmpower_drift_total{cpu=\"2\",setting=\"scaling_setspeed\"}" is 1
    And the metric "vmpower_drift_checks_total" is 1
    And the metric "vmpower_cpu_set_frequency_hertz{cpu=\"2\"}" is 1800000000
    When I run "verify" on the host
    Then the command succeeds
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 2 runs at 1600000 kHz
    When the drift check runs
    And Prometheus scrapes the host
    Then the metric "vmpower_drift_total{cpu=\"2\",setting=\"scaling_setspeed\"}" is 1
    And the metric "vmpower_drift_checks_total" is 2

  Scenario: Re-apply: vmpower writes its own values back
    Given the simulated host of the default scenario with its metrics endpoint and drift action reapply
    And the host has run "set_cpu_freq 2 down"
    When someone else sets pCPU 2 to 1800000 kHz
    And someone else sets the governor of pCPU 2 to performance
    And the drift check runs
    Then pCPU 2 runs at 2400000 kHz
    When I run "verify" on the host
    Then the command succeeds
    When Prometheus scrapes the host
    Then the metric "vmpower_drift_total{cpu=\"2\",setting=\"scaling_setspeed\"}" is 1
    And the metric "vmpower_drift_total{cpu=\"2\",setting=\"scaling_governor\"}" is 1
    When I shut the host down
    Then pCPU 2 runs at 2600000 kHz
