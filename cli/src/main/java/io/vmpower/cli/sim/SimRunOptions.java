package io.vmpower.cli.sim;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The launcher's options for an accelerated run ({@code --sim SCENARIO --run 24h ...}). */
public final class SimRunOptions {
  /** The seed when none is given. */
  public static final long DEFAULT_SEED = 1;

  @Option(
      names = "--run",
      paramLabel = "DURATION",
      description =
          "With --sim: run the scenario's workload for DURATION of simulated time (24h, 90m) as"
              + " fast as it goes, print energy and unserved demand per strategy, and exit.")
  String run;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "With --run: write report.html (charts inline), charts/*.png and *.svg, series.csv and"
              + " totals.csv into DIR.")
  Path report;

  @Option(
      names = "--compare",
      paramLabel = "LIST",
      split = ",",
      description =
          "With --run: the strategies to compare: performance, guest, busy, time (default: all"
              + " four).")
  java.util.List<String> compare;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "With --run: the seed of the workload's noise (default 1).")
  Long seed;

  /** Whether any of these options was given. */
  public boolean given() {
    return run != null || report != null || compare != null || seed != null;
  }
}
