package io.vmpower.cli.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.hal.sim.Scenario;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimReportTest {
  @Test
  void theReportHoldsEveryChartAndTheTotalsOfItsCsv(@TempDir Path dir) throws Exception {
    SimRun.Options o = SimRun.Options.of(Duration.ofHours(1), 7);
    List<SimResult> results =
        List.of(
            SimRun.run(Scenario.defaultScenario(), SimRun.Strategy.PERFORMANCE, o),
            SimRun.run(Scenario.defaultScenario(), SimRun.Strategy.BUSY, o));
    List<Path> files = SimReport.write(dir, "default", 7, results);
    assertEquals(dir.resolve("report.html"), files.get(0));
    String html = Files.readString(dir.resolve("report.html"));
    for (String chart :
        List.of("power", "frequency-performance", "frequency-busy", "energy", "unserved", "load")) {
      assertTrue(html.contains("<svg id='" + chart + "'"), chart);
      assertTrue(Files.size(dir.resolve("charts/" + chart + ".svg")) > 1000, chart);
      BufferedImage png = ImageIO.read(dir.resolve("charts/" + chart + ".png").toFile());
      assertEquals(SimReport.WIDTH, png.getWidth());
      Set<Integer> colors = new HashSet<>();
      for (int y = 0; y < png.getHeight(); y += 3) {
        for (int x = 0; x < png.getWidth(); x += 3) {
          colors.add(png.getRGB(x, y));
        }
      }
      assertTrue(colors.size() > 10, chart + ": " + colors.size() + " colours");
    }
    for (String remote : List.of("<script", "<link", "<img", "src=", "url(http", "@import")) {
      assertTrue(!html.contains(remote), "self-contained, yet holds " + remote);
    }

    // the HTML's totals are the CSV's
    List<String> totals = Files.readAllLines(dir.resolve("totals.csv"));
    assertEquals(3, totals.size());
    String[] header = totals.get(0).split(",");
    for (String line : totals.subList(1, 3)) {
      String[] row = line.split(",");
      for (int i = 1; i < row.length; i++) {
        Matcher m =
            Pattern.compile(
                    "<tr data-strategy=\""
                        + row[0]
                        + "\">.*?data-column=\""
                        + header[i]
                        + "\" data-value=\"([^\"]*)\">([^<]*)</td>")
                .matcher(html);
        assertTrue(m.find(), row[0] + " " + header[i]);
        assertEquals(row[i], m.group(1));
        assertEquals(row[i], m.group(2));
      }
    }
    // the series add up to the totals
    List<String> series = Files.readAllLines(dir.resolve("series.csv"));
    double perf = 0;
    for (String line : series.subList(1, series.size())) {
      if (line.startsWith("performance,")) {
        perf += Double.parseDouble(line.split(",")[3]);
      }
    }
    assertEquals(results.get(0).totalJoules(), perf, 0.01 * series.size());
    assertEquals(Double.parseDouble(totals.get(1).split(",")[1]), perf, 0.1 + 0.01 * series.size());
  }
}
