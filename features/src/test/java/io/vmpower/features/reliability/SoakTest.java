package io.vmpower.features.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A 20-second soak in the normal build (see {@link Soak} for the load and the accounting rule);
 * {@code ci/soak.sh --minutes N} runs it longer ({@code -Dvmpower.soak.seconds}).
 */
class SoakTest {
  @Test
  void countersAddUpExactlyUnderMixedLoadDropsRestartsAndOperatorCommands() throws Exception {
    long seconds = Long.getLong("vmpower.soak.seconds", 20);
    long seed = Long.getLong("vmpower.soak.seed", ThreadLocalRandom.current().nextLong());

    Soak.Result r = Soak.run(Duration.ofSeconds(seconds), Duration.ofSeconds(2), seed);

    String report = Soak.report(r) + "\nseed " + seed + "\n";
    System.out.println(report);
    String file = System.getProperty("vmpower.report");
    if (file != null) {
      Files.writeString(Path.of(file), report, StandardCharsets.UTF_8);
    }
    assertEquals(List.of(), r.failures(), "seed " + seed);
    assertTrue(r.strictChecks() > 0, "channels were checked exactly");
    assertTrue(r.droppedChecks() > 0 && r.qemuDrops() > 0, "QEMU dropped channels");
    assertTrue(r.vmRestarts() > 0, "VMs restarted");
    assertTrue(r.cliCommands() > 0 && r.toggles() > 0, "the operator worked meanwhile");
    assertTrue(r.sent() > r.counted() || r.sent() == r.counted(), "nothing counted twice");
    assertTrue(
        r.fdLast() <= r.fdFirst() + 16,
        "no file descriptor leak: "
            + r.fdFirst()
            + " at the first checkpoint, "
            + r.fdLast()
            + " at the last");
  }
}
