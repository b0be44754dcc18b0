package io.vmpower.hal.linux.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import io.vmpower.core.hal.PeerCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer behind a channel: uid and gid by SO_PEERCRED through the JDK, the pid of the listening
 * process from /proc when asked for. Where the listener runs in this JVM, both must name this
 * process.
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
  void thePidIsLookedUpInProcWhenAskedForNotAtOpen() throws IOException {
    Path path = dir.resolve("vm1.0");
    Path proc = dir.resolve("proc");
    try (SocketChannelTransport transport =
            new SocketChannelTransport(SocketPeerCredentials.probe(proc));
        SocketQemuListener qemu = new SocketQemuListener(path)) {

      PeerCredentials peer = transport.open(path).peer();
      // /proc is filled only after the open: a pid found now was looked up now
      Files.createDirectories(proc.resolve("net"));
      Files.writeString(
          proc.resolve("net/unix"),
          "Num       RefCount Protocol Flags    Type St Inode Path\n"
              + "0000000000000000: 00000002 00000000 00010000 0001 01 777 "
              + path.toAbsolutePath()
              + "\n");
      Files.createDirectories(proc.resolve("4242/fd"));
      Files.createSymbolicLink(proc.resolve("4242/fd/5"), Path.of("socket:[777]"));

      assertEquals("uid=" + self.getUid() + " gid=" + self.getGid() + " pid=4242", peer.toString());
      Files.delete(proc.resolve("4242/fd/5"));
      assertEquals(4242, peer.pid(), "kept once found");
    }
  }

  @Test
  void aListenerInAnotherProcessIsNamedByItsPid() throws Exception {
    Path path = dir.resolve("vm1.0");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ListenerMain.class.getName(),
                    path.toString()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        SocketChannelTransport transport = new SocketChannelTransport()) {
      assertEquals("listening", out.readLine());

      PeerCredentials peer = transport.open(path).peer();

      assertEquals(new PeerCredentials(self.getUid(), self.getGid(), child.pid()), peer);
    } finally {
      child.getOutputStream().close();
      assertEquals(0, child.waitFor());
    }
  }

  /** Runs in the child JVM: listens at args[0] until its standard input closes. */
  public static final class ListenerMain {
    public static void main(String[] args) throws IOException {
      try (SocketQemuListener qemu = new SocketQemuListener(Path.of(args[0]))) {
        System.out.println("listening");
        System.out.flush();
        while (System.in.read() >= 0) {
          // wait for the parent to close our input
        }
      }
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
