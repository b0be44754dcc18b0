Feature: Operators watch the host from Prometheus
  The metrics endpoint serves what show_stats and show_cpus show, read when Prometheus scrapes,
  plus the request and frequency-write latency histograms.

  Background:
    Given the simulated host of the default scenario with its metrics endpoint
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"

  Scenario: Every request a guest sends is counted by outcome, per VM and channel
    When the guest of vm1 on channel 0 asks to scale down vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    When the guest of vm1 on channel 0 asks to scale down vCPU 9
    Then the guest of vm1 on channel 0 receives a NACK
    When the guest of vm1 on channel 0 sends command 3 for vCPU 0
    Then the guest of vm1 on channel 0 receives a NACK
    When the guest of vm1 on channel 0 queries the frequency list as VM "vm1"
    And the host has served 4 requests on vm1 channel 0
    And Prometheus scrapes the host
    Then the metric "vmpower_requests_total{vm=\"vm1\",channel=\"0\",outcome=\"acked\"}" is 1
    And the metric "vmpower_requests_total{vm=\"vm1\",channel=\"0\",outcome=\"nack_unknown_vcpu\"}" is 1
    And the metric "vmpower_requests_total{vm=\"vm1\",channel=\"0\",outcome=\"nack_policy_bad_vcpu\"}" is 1
    And the metric "vmpower_requests_total{vm=\"vm1\",channel=\"0\",outcome=\"refused_query_disabled\"}" is 1
    And the metric "vmpower_requests_total{vm=\"vm1\",channel=\"0\",outcome=\"answered\"}" is 0
    And the metric "vmpower_requests_total{vm=\"vm1\",channel=\"1\",outcome=\"acked\"}" is absent
    And the metric "vmpower_request_duration_seconds_count" is 4
    And the metric "vmpower_request_duration_seconds_bucket{le=\"+Inf\"}" is 4
    And the exposition has a histogram named "vmpower_request_duration_seconds"
    And the metric "vmpower_frequency_write_duration_seconds_count" is 1

  Scenario: Channel state, attaches, hang-ups and dropped requests
    When I run "set_channel_status vm1 1 disabled" on the host
    And the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the host counted 1 dropped_disabled on vm1 channel 1
    When the simulated host hangs up vm1 channel 0
    Then the host counted 1 hangups on vm1 channel 0
    And channel 0 of vm1 becomes CONNECTED
    When Prometheus scrapes the host
    Then the metric "vmpower_requests_total{vm=\"vm1\",channel=\"1\",outcome=\"dropped_disabled\"}" is 1
    And the metric "vmpower_channel_state{vm=\"vm1\",channel=\"1\",state=\"disabled\"}" is 1
    And the metric "vmpower_channel_state{vm=\"vm1\",channel=\"1\",state=\"connected\"}" is 0
    And the metric "vmpower_channel_state{vm=\"vm1\",channel=\"0\",state=\"connected\"}" is 1
    And the metric "vmpower_channel_hangups_total{vm=\"vm1\",channel=\"0\"}" is 1
    And the metric "vmpower_channel_attaches_total{vm=\"vm1\",channel=\"0\"}" is 2
    And the metric "vmpower_channel_attaches_total{vm=\"vm1\",channel=\"1\"}" is 1
    And the metric "vmpower_replies_dropped_total{vm=\"vm1\",channel=\"0\"}" is 0
    And the metric "vmpower_incomplete_request_bytes_total{vm=\"vm1\",channel=\"0\"}" is 0
    And the metric "vmpower_channel_peer_refusals_total{vm=\"vm1\",channel=\"0\"}" is 0

  Scenario: Per CPU, the frequency vmpower set and the current one, limits, governor, turbo
    When the guest of vm1 on channel 1 asks to scale down vCPU 1
    Then the guest of vm1 on channel 1 receives an ACK
    When I run "set_cpu_freq 5 min" on the host
    And I run "set_cpu_freq 6 disable_turbo" on the host
    And Prometheus scrapes the host
    Then the metric "vmpower_cpu_scaling_frequency_hertz{cpu=\"3\"}" is 2400000000
    And the metric "vmpower_cpu_set_frequency_hertz{cpu=\"3\"}" is 2400000000
    And the metric "vmpower_cpu_scaling_frequency_hertz{cpu=\"5\"}" is 1200000000
    And the metric "vmpower_cpu_set_frequency_hertz{cpu=\"5\"}" is 1200000000
    And the metric "vmpower_cpu_scaling_frequency_hertz{cpu=\"0\"}" is 2600000000
    And the metric "vmpower_cpu_set_frequency_hertz{cpu=\"0\"}" is absent
    And the metric "vmpower_cpu_scaling_frequency_min_hertz{cpu=\"0\"}" is 1200000000
    And the metric "vmpower_cpu_scaling_frequency_max_hertz{cpu=\"0\"}" is 2601000000
    And the metric "vmpower_cpu_scaling_governor{cpu=\"3\",governor=\"userspace\"}" is 1
    And the metric "vmpower_cpu_scaling_driver{cpu=\"3\",driver=\"acpi-cpufreq\"}" is 1
    And the metric "vmpower_cpu_turbo_enabled{cpu=\"6\"}" is 0
    And the metric "vmpower_cpu_turbo_enabled{cpu=\"7\"}" is 1
    And the metric "vmpower_cpu_online{cpu=\"7\"}" is 1
    And the metric "vmpower_frequency_write_duration_seconds_count" is 2

  Scenario: Each VM's policy, its decisions, changes and failures, and the sampling
    When I run "set_policy vm1 workload level=high" on the host
    And Prometheus scrapes the host
    Then the metric "vmpower_policy{vm=\"vm1\",kind=\"workload\",source=\"operator\"}" is 1
    And the metric "vmpower_policy_decisions_total{vm=\"vm1\"}" is 1
    And the metric "vmpower_policy_changes_total{vm=\"vm1\"}" is 1
    And the metric "vmpower_policy_failures_total{vm=\"vm1\"}" is 0
    And the metric "vmpower_policy_sampling_reads_total" is 0
    And the metric "vmpower_policy_sampling_failures_total" is 0
    When I run "rm_policy vm1" on the host
    And Prometheus scrapes the host
    Then the metric "vmpower_policy{vm=\"vm1\",kind=\"workload\",source=\"operator\"}" is absent
    And the metric "vmpower_policy_decisions_total{vm=\"vm1\"}" is 1

  Scenario: The build's version and the JVM's metrics are there too
    When Prometheus scrapes the host
    Then the metric "vmpower_build_info{version=\"features-test\"}" is 1
    And the exposition has a gauge named "jvm_memory_used_bytes"
