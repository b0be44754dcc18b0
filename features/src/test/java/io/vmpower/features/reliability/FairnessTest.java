package io.vmpower.features.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A quiet guest is served while others flood their channels (progress, not speed: the figures are
 * printed, never asserted). {@code ci/fairness.sh} runs it with longer phases ({@code
 * -Dvmpower.fairness.millis}) and keeps the table ({@code -Dvmpower.report=FILE}).
 */
class FairnessTest {
  @Test
  void aQuietGuestIsServedCorrectlyWhileOthersFlood() throws Exception {
    Duration phase = Duration.ofMillis(Long.getLong("vmpower.fairness.millis", 500));

    List<Fairness.Phase> phases = Fairness.run(phase);

    String table = Fairness.table(phases);
    System.out.println("Fairness, " + phase.toMillis() + " ms per phase:\n" + table);
    String report = System.getProperty("vmpower.report");
    if (report != null) {
      Files.writeString(Path.of(report), table, StandardCharsets.UTF_8);
    }
    for (Fairness.Phase p : phases) {
      assertEquals(List.of(), p.errors(), p.name());
      assertTrue(p.quietServed() > 0, p.name() + ": the quiet guest was served");
      if (!p.name().equals("no flood")) {
        assertTrue(p.floodRequests() > 0, p.name() + ": the flood reached the host");
      }
    }
  }
}
