Feature: Operators read the host's energy counters
  show_energy and the metrics endpoint report what the RAPL zones counted since the host started;
  on the simulated host the zones are the energy model's packages, integrated over its clock
  (0.74 W per idle CPU, 3.5 W per CPU busy at 2.6 GHz by default).

  Scenario: show_energy reports the package's joules
    Given the simulated host of the default scenario with its metrics endpoint
    And pCPU 2 is busy 100% of the time
    When the simulated clock advances 10 seconds
    And I run "show_energy" on the host
    Then the command succeeds
    And the output is:
      """
      Energy counters: simulated energy model (1 package(s))
      ZONE               NAME             KIND                JOULES
      sim-rapl:0         package-0        package             86.800
      VM                                                      JOULES
      (unattributed, package 0)                               86.800
      """
    When I run "set_cpu_freq 2 min" on the host
    And the simulated clock advances 10 seconds
    And Prometheus scrapes the host
    Then the metric "vmpower_package_energy_joules_total{package=\"0\"}" is 148.713518
    And the metric "vmpower_energy_zone_joules_total{zone=\"sim-rapl:0\",name=\"package-0\",kind=\"package\"}" is 148.713518
    And the metric "vmpower_energy_zone_readable{zone=\"sim-rapl:0\",name=\"package-0\"}" is 1
    And the metric "vmpower_unattributed_energy_joules_total{package=\"0\"}" is 148.713518

  Scenario: show_energy splits the package among the VMs by frequency-weighted busy time (as the README shows it)
    Each VM's joules are the package's times its vCPUs' busy seconds weighted by the relative
    power of the frequency their pCPUs ran at, w(f) = s + (1 - s) * (f / 2.6 GHz)^3 with
    s = 0.74 / 3.5. In 10 s: vm1's vCPU 0 is busy 4 s at 2.6 GHz (w = 1); vm2's vCPU 0 runs at
    1.2 GHz, where its 40 % of the nominal work keeps it busy 40 * 2.6 / 1.2 = 86.67 % of the time,
    8.667 s (w = 0.288958). The package drew 72.592 J: 6 idle CPUs at 0.74 W, pCPU 2 at
    0.6 * 0.74 + 0.4 * 3.5 W, pCPU 4 at 0.1333 * 0.74 + 0.8667 * 1.0081 W. vm1 gets
    72.592 * 4 / (4 + 8.667 * 0.288958) = 44.642 J, 11.16 J per busy second; vm2 27.949 J,
    3.22 J per busy second: fewer per busy second at the lower frequency.
    Given the simulated host of the default scenario with its metrics endpoint
    And vCPU 0 of vm1 is 40 % busy
    And vCPU 0 of vm2 is 40 % busy
    When I run "set_cpu_freq 4 min" on the host
    And the simulated clock advances 10 seconds
    And I run "show_energy" on the host
    Then the command succeeds
    And the output is:
      """
      Energy counters: simulated energy model (1 package(s))
      ZONE               NAME             KIND                JOULES
      sim-rapl:0         package-0        package             72.592
      VM                                                      JOULES
      vm1                                                     44.642
      vm2                                                     27.949
      """
    When Prometheus scrapes the host
    Then the metric "vmpower_vm_energy_joules_total{vm=\"vm1\"}" is 44.642293
    And the metric "vmpower_vm_energy_joules_total{vm=\"vm2\"}" is 27.949422
    And the metric "vmpower_package_energy_joules_total{package=\"0\"}" is 72.591715
    And the metric "vmpower_energy_attribution_failures_total" is 0
    And the metric "vmpower_unattributed_energy_joules_total{package=\"0\"}" is absent
    Given the host serves its control socket to group "vmpower" (gid 995)
    When I run "show_energy" through the control socket with --json
    Then the output matches, <n> standing for any number:
      """
      {"schema":1,"energy":{"source":"simulated energy model (1 package(s))","zones":[{"id":"sim-rapl:0","name":"package-0","kind":"package","package_id":0,"joules":72.591715,"problem":null}],"vms":[{"vm":"vm1","joules":44.642293},{"vm":"vm2","joules":27.949422}],"unattributed":[],"attribution":{"running":true,"busy_times":"simulated (vCPU load and packet rates over the simulated clock)","samples":<n>,"failures":0,"problem":null}}}
      """

  Scenario: While the VMs cannot be read, their energy waits and is attributed once they can
    In 10 s the package draws 7 idle CPUs at 0.74 W and pCPU 2 half busy at 2.6 GHz:
    10 * (7 * 0.74 + 0.5 * 0.74 + 0.5 * 3.5) = 73 J, all of it vm1's once it can be read.
    Given the simulated host of the default scenario with its metrics endpoint
    And vCPU 0 of vm1 is 50 % busy
    When the simulated hypervisor becomes unreachable
    And the simulated clock advances 10 seconds
    And I run "show_energy" on the host
    Then the command succeeds
    And the output matches, <n> standing for any number:
      """
      Energy counters: simulated energy model (1 package(s))
      ZONE               NAME             KIND                JOULES
      sim-rapl:0         package-0        package             73.000
      VM                                                      JOULES
      (nothing attributed yet)
      Attribution failing: simulated hypervisor unreachable (<n> of <n> samples failed; their energy waits for the next sample that can read the VMs)
      """
    When the simulated hypervisor is reachable again
    And I run "show_energy" on the host
    Then the output is:
      """
      Energy counters: simulated energy model (1 package(s))
      ZONE               NAME             KIND                JOULES
      sim-rapl:0         package-0        package             73.000
      VM                                                      JOULES
      vm1                                                     73.000
      """
    When Prometheus scrapes the host
    Then the metric "vmpower_vm_energy_joules_total{vm=\"vm1\"}" is 73.0
    And the exposition has a counter named "vmpower_energy_attribution_failures_total"
