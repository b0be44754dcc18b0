package io.vmpower.hal.linux.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer behind a channel. The listener runs in this JVM, so SO_PEERCRED must name this process.
 * Surefire passes the JVM option SO_PEERCRED needs (see hal-linux/pom.xml).
 */
@Timeout(30)
class SocketPeerCredentialsTest {

  @TempDir Path dir;

  private final UnixSystem self = new UnixSystem();

  @Test
  void soPeerCredNamesTheListeningProcess() throws IOException {
    Path path = dir.resolve("vm1.0");
    try (SocketChannelTransport transport = new SocketChannelTransport();
        SocketQemuListener qemu = new SocketQemuListener(path)) {

      PeerCredentials peer = transport.open(path).peer();

      assertTrue(transport.description().endsWith("peer credentials by SO_PEERCRED"));
      assertEquals(
          new PeerCredentials(self.getUid(), self.getGid(), ProcessHandle.current().pid()), peer);
    }
  }

  @Test
  void withoutSoPeerCredTheSocketFileOwnerStandsIn() throws IOException {
    Path path = dir.resolve("vm1.0");
    try (SocketChannelTransport transport =
            new SocketChannelTransport(SocketPeerCredentials.fileOwnerOnly());
        SocketQemuListener qemu = new SocketQemuListener(path)) {

      PeerCredentials peer = transport.open(path).peer();

      assertTrue(
          transport
              .description()
              .endsWith("peer credentials by socket file owner (uid, gid; no pid)"));
      long owner = (Integer) Files.getAttribute(path, "unix:uid");
      long group = (Integer) Files.getAttribute(path, "unix:gid");
      assertEquals(new PeerCredentials(owner, group, -1), peer);
    }
  }

  @Test
  void withNeitherTheyAreUnknown() {
    PeerCredentials peer = SocketPeerCredentials.fileOwnerOnly().of(null, dir.resolve("gone"));

    assertEquals(PeerCredentials.UNKNOWN, peer);
  }
}
