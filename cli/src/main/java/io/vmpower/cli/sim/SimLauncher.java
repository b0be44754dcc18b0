package io.vmpower.cli.sim;

import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.ScenarioException;
import io.vmpower.hal.sim.ScenarioLoader;
import io.vmpower.hal.sim.SimulatedWorkloads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code vm-power-mgr --sim [SCENARIO] --run DURATION [--report DIR] [--compare ...]}. */
public final class SimLauncher {
  private SimLauncher() {}

  /**
   * Starts the live demo's motion on a started simulated host (the scenario's workloads and live
   * guests), prints what moves; returns it, to close at exit.
   */
  public static SimLive live(
      io.vmpower.cli.HostApp app,
      Scenario scenario,
      io.vmpower.hal.sim.SimulatedQemuSockets sockets,
      PrintWriter o) {
    SimLive live =
        new SimLive(
            app.injector().getInstance(io.vmpower.hal.sim.SimulatedHost.class),
            scenario,
            sockets,
            app.injector().getInstance(SimOverrides.class),
            SimRunOptions.DEFAULT_SEED);
    live.describe().forEach(o::println);
    return live.start();
  }

  /**
   * Runs each strategy asked for, prints its figures, writes the report; returns the exit status (2
   * for bad options, 1 when the scenario or the report cannot be used).
   */
  public static int run(
      SimRunOptions opts, boolean simulated, Path scenarioFile, PrintWriter o, PrintWriter e) {
    if (opts.run == null) {
      e.println("Error: --report, --compare and --seed go with --run DURATION (e.g. --run 24h)");
      return 2;
    }
    if (!simulated) {
      e.println("Error: --run drives the simulated host: give --sim [SCENARIO] too");
      return 2;
    }
    Duration length;
    try {
      length = SimulatedWorkloads.parseDuration(opts.run);
      if (length.isZero() || length.compareTo(Duration.ofDays(31)) > 0) {
        throw new IllegalArgumentException("'" + opts.run + "' is out of range; use 1s to 31d");
      }
    } catch (IllegalArgumentException ex) {
      e.println("Error: --run: " + ex.getMessage());
      return 2;
    }
    Set<SimRun.Strategy> strategies = new LinkedHashSet<>();
    try {
      for (String w :
          opts.compare == null ? List.of("performance", "guest", "busy", "time") : opts.compare) {
        strategies.add(SimRun.Strategy.parse(w.strip()));
      }
    } catch (IllegalArgumentException ex) {
      e.println("Error: --compare: " + ex.getMessage());
      return 2;
    }
    long seed = opts.seed == null ? SimRunOptions.DEFAULT_SEED : opts.seed;
    Scenario scenario;
    String name = scenarioFile == null ? "built-in default scenario" : scenarioFile.toString();
    try {
      scenario =
          scenarioFile == null ? Scenario.defaultScenario() : ScenarioLoader.load(scenarioFile);
    } catch (IOException | ScenarioException ex) {
      e.println("Error: cannot read the scenario: " + ex.getMessage());
      return 1;
    }
    o.println(
        "Simulated run: "
            + name
            + ", "
            + opts.run
            + " of simulated time, seed "
            + seed
            + ", strategies "
            + String.join(",", strategies.stream().map(SimRun.Strategy::word).toList()));
    List<SimResult> results = new ArrayList<>();
    for (SimRun.Strategy s : strategies) {
      long t0 = System.nanoTime();
      SimResult r;
      try {
        r = SimRun.run(scenario, s, SimRun.Options.of(length, seed));
      } catch (IllegalStateException | IllegalArgumentException ex) {
        e.println("Error: " + s.word() + ": " + ex.getMessage());
        return 1;
      }
      results.add(r);
      o.println(
          r.summary()
              + String.format(java.util.Locale.ROOT, "  (%.1f s)", (System.nanoTime() - t0) / 1e9));
    }
    if (opts.report != null) {
      try {
        List<Path> files = SimReport.write(opts.report, name, seed, results);
        o.println("Report: " + files.get(0) + " (" + files.size() + " files)");
      } catch (IOException ex) {
        e.println("Error: cannot write the report in " + opts.report + ": " + ex.getMessage());
        return 1;
      }
    }
    return 0;
  }
}
