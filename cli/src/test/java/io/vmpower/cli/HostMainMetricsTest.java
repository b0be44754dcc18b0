package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics-listen} as the launcher takes it: parsed strictly, reported, or refused. */
class HostMainMetricsTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String input, String... args) {
    return HostMain.run(
        args,
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void aBadAddressIsRefusedBeforeAnythingStarts() {
    int code = run("", "--sim", "--channel-dir", dir.toString(), "--metrics-listen", "9464");
    assertEquals(2, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .contains("Error: --metrics-listen: '9464' has no port"),
        err::toString);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void badDriftOptionsAreRefusedWithWhatIsAccepted() {
    assertEquals(2, run("", "--sim", "--drift-interval", "soon"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .contains("Error: --drift-interval: 'soon' is not a number of seconds"),
        err::toString);
    err.reset();
    assertEquals(2, run("", "--sim", "--drift-interval", "0.01"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("0 (off) or at least 100 ms"), err::toString);
    err.reset();
    assertEquals(2, run("", "--sim", "--drift-action", "ignore"));
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .contains("Error: --drift-action: unknown drift action 'ignore': use adopt or reapply"),
        err::toString);
  }

  @Test
  void theEndpointIsReportedAtStart() {
    int code = run("quit\n", "--sim", "--channel-dir", dir.toString(), "--metrics-listen", ":0");
    assertEquals(0, code, err::toString);
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .matches("(?s).*\nMetrics: http://127\\.0\\.0\\.1:[0-9]+/metrics\n.*"),
        out::toString);
  }

  @Test
  void withoutTheOptionNothingListens() {
    int code = run("quit\n", "--sim", "--channel-dir", dir.toString());
    assertEquals(0, code, err::toString);
    assertTrue(!out.toString(StandardCharsets.UTF_8).contains("Metrics:"), out::toString);
  }

  @Test
  void anAddressInUseStopsTheHostWithTheReason() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code =
          run(
              "quit\n",
              "--sim",
              "--channel-dir",
              dir.toString(),
              "--metrics-listen",
              "127.0.0.1:" + taken.getLocalPort());
      assertEquals(1, code);
      assertTrue(
          err.toString(StandardCharsets.UTF_8)
              .contains(
                  "Error: cannot start the host: the metrics endpoint cannot listen on 127.0.0.1:"
                      + taken.getLocalPort()),
          err::toString);
    }
  }
}
