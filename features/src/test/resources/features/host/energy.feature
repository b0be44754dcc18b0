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
      """
    When I run "set_cpu_freq 2 min" on the host
    And the simulated clock advances 10 seconds
    And Prometheus scrapes the host
    Then the metric "vmpower_package_energy_joules_total{package=\"0\"}" is 148.713518
    And the metric "vmpower_energy_zone_joules_total{zone=\"sim-rapl:0\",name=\"package-0\",kind=\"package\"}" is 148.713518
    And the metric "vmpower_energy_zone_readable{zone=\"sim-rapl:0\",name=\"package-0\"}" is 1
