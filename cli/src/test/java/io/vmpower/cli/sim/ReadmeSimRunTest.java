package io.vmpower.cli.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's simulated day: the figures it shows are what the launcher prints (seed 1). */
class ReadmeSimRunTest {
  private static final String COMMAND = "$ bin/vm-power-mgr --sim --run 24h --report report";

  @Test
  void theReadmesDayIsWhatTheLauncherPrints(@TempDir Path dir) throws Exception {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    int at = readme.indexOf(COMMAND);
    assertTrue(at > 0, "README shows " + COMMAND);
    List<String> shown = new ArrayList<>();
    for (String line : readme.subList(at + 1, readme.size())) {
      if (line.equals("```")) {
        break;
      }
      shown.add(line);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = Arrays.copyOfRange(COMMAND.split(" "), 2, COMMAND.split(" ").length);
    args[args.length - 1] = dir.resolve("report").toString();
    int code =
        HostMain.run(
            args,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    List<String> printed = out.toString(StandardCharsets.UTF_8).lines().toList();
    System.out.println(String.join("\n", printed));
    assertEquals(normalize(shown, "report"), normalize(printed, dir.resolve("report").toString()));
  }

  /** Without the run times, which vary, and with the report's folder as the README names it. */
  private static List<String> normalize(List<String> lines, String reportDir) {
    return lines.stream()
        .map(l -> l.replaceAll("  \\(\\d+\\.\\d s\\)$", ""))
        .map(l -> l.replace(reportDir + "/", "report/"))
        .toList();
  }
}
