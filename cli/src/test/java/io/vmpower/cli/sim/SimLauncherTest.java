package io.vmpower.cli.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's options for accelerated runs: each mistake is an error that says what to do. */
class SimLauncherTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return HostMain.run(
        args,
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingRuns() throws Exception {
    assertEquals(2, run("--run", "24h"));
    assertTrue(err().contains("--run drives the simulated host: give --sim [SCENARIO] too"), err());
    assertEquals(2, run("--sim", "--report", dir.toString()));
    assertTrue(err().contains("go with --run DURATION"), err());
    assertEquals(2, run("--sim", "--run", "soon"));
    assertTrue(err().contains("--run: 'soon' is not a duration"), err());
    assertEquals(2, run("--sim", "--run", "40d"));
    assertTrue(err().contains("'40d' is out of range; use 1s to 31d"), err());
    assertEquals(2, run("--sim", "--run", "1h", "--compare", "performance,fastest"));
    assertTrue(err().contains("unknown strategy 'fastest'"), err());
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "host: {cpus: 2, frequencies: [1000000]}\nworkloads: [{vm: nope}]\n");
    assertEquals(1, run("--sim", bad.toString(), "--run", "1h"));
    assertTrue(err().contains("workloads[0].vm: 'nope' is not a VM of the scenario"), err());
    assertFalse(Files.exists(dir.resolve("report")));
  }

  @Test
  void aShortRunOfOneStrategyPrintsItsFiguresAndWritesItsReport() {
    Path report = dir.resolve("report");
    assertEquals(
        0,
        run(
            "--sim",
            "--run",
            "10m",
            "--compare",
            "busy",
            "--seed",
            "3",
            "--report",
            report.toString()),
        err());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("10m of simulated time, seed 3, strategies busy"), printed);
    assertTrue(printed.matches("(?s).*\nbusy +energy +[0-9.]+ kJ.*"), printed);
    assertTrue(Files.exists(report.resolve("report.html")));
    assertTrue(Files.exists(report.resolve("charts/frequency-busy.svg")));
  }
}
