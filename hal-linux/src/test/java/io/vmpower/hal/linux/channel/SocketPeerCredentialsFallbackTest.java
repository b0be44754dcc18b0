package io.vmpower.hal.linux.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java runtime without what SO_PEERCRED needs (here: without the module jdk.net, as a trimmed
 * runtime image may be) still opens channels, says why once, and names the socket file's owner
 * instead.
 */
@Timeout(60)
class SocketPeerCredentialsFallbackTest {

  @TempDir Path dir;

  /** Runs in the child JVM: opens one channel and prints what the transport saw. */
  public static final class ChildMain {
    public static void main(String[] args) throws IOException {
      Path path = Path.of(args[0]);
      try (SocketChannelTransport transport = new SocketChannelTransport();
          SocketQemuListener qemu = new SocketQemuListener(path)) {
        System.out.println("description: " + transport.description());
        System.out.println("peer: " + transport.open(path).peer());
      }
    }
  }

  @Test
  void withoutJdkNetTheSocketFileOwnerStandsIn() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String allButJdkNet =
        ModuleFinder.ofSystem().findAll().stream()
            .map(m -> m.descriptor().name())
            .filter(name -> !name.equals("jdk.net"))
            .sorted()
            .collect(Collectors.joining(","));
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "--limit-modules",
                    allButJdkNet,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ChildMain.class.getName(),
                    dir.resolve("vm1.0").toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, child.waitFor(), output);
    UnixSystem self = new UnixSystem();
    assertTrue(
        output.contains(
            "SO_PEERCRED unavailable, this Java runtime has no module jdk.net"
                + " (java.lang.NoClassDefFoundError: jdk/net/ExtendedSocketOptions)"),
        output);
    assertTrue(output.contains("peer credentials by socket file owner (uid, gid; no pid)"), output);
    assertTrue(
        output.contains("peer: uid=" + self.getUid() + " gid=" + self.getGid() + " pid=?"), output);
  }
}
