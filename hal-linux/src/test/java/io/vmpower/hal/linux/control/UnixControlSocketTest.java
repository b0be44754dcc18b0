package io.vmpower.hal.linux.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.hal.ControlConnectException;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket on real AF_UNIX sockets, in a temporary folder. */
class UnixControlSocketTest {
  @TempDir Path dir;
  private final UnixControlSocket sockets = new UnixControlSocket();
  private ControlListener listener;

  @BeforeEach
  void openUp() throws IOException {
    // the folder must be reachable for clients of other users
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void closeListener() {
    if (listener != null) {
      listener.close();
    }
  }

  private ControlSettings at(Path p) {
    return ControlSettings.defaults().withPath(p);
  }

  @Test
  void listensWithTheModeInAFolderMade0755AndRemovesItsFileAtClose() throws IOException {
    Path sock = dir.resolve("run/vmpower/control.sock");
    listener = sockets.listen(at(sock));

    assertEquals("rwxr-xr-x", perms(dir.resolve("run")));
    assertEquals("rwxr-xr-x", perms(dir.resolve("run/vmpower")));
    assertEquals("rw-rw----", perms(sock));
    assertEquals(-1, listener.groupId());
    assertEquals(0, listener.ownerUid());
    listener.close();
    assertFalse(Files.exists(sock));
  }

  @Test
  void givesTheConfiguredGroupAndMode() throws IOException {
    Path sock = dir.resolve("c.sock");
    listener = sockets.listen(at(sock).withGroup("daemon").withMode("0600"));

    assertEquals(1, listener.groupId());
    assertEquals(1, (Integer) Files.getAttribute(sock, "unix:gid"));
    assertEquals("rw-------", perms(sock));
    assertTrue(listener.description().contains("group daemon gid 1"), listener.description());
  }

  @Test
  void anUnknownGroupFailsTheBindAndLeavesNoFile() {
    Path sock = dir.resolve("c.sock");
    IOException e =
        assertThrows(
            IOException.class, () -> sockets.listen(at(sock).withGroup("no-such-group-here")));
    assertTrue(e.getMessage().contains("'no-such-group-here' does not exist"), e.getMessage());
    assertFalse(Files.exists(sock));
  }

  @Test
  void aConnectionCarriesThePeersUidGidPidAndGroups() throws Exception {
    Path sock = dir.resolve("c.sock");
    listener = sockets.listen(at(sock));
    CompletableFuture<ControlConnection> accepted = CompletableFuture.supplyAsync(this::accept);

    try (ControlConnection client = sockets.connect(sock);
        ControlConnection server = accepted.get(10, TimeUnit.SECONDS)) {
      assertEquals(0, server.peer().uid());
      assertEquals(0, server.peer().gid());
      assertEquals(ProcessHandle.current().pid(), server.peer().pid());
      assertTrue(server.peer().groupsKnown());
      client.output().write("hello\n".getBytes(StandardCharsets.UTF_8));
      client.output().flush();
      byte[] got = server.input().readNBytes(6);
      assertEquals("hello\n", new String(got, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aClientUnderAnotherUidIsSeenAsThatUid() throws Exception {
    Path sock = dir.resolve("c.sock");
    // 0666 so that the kernel lets it in: the credentials are what the server decides on
    listener = sockets.listen(at(sock).withMode("0666"));
    CompletableFuture<ControlConnection> accepted = CompletableFuture.supplyAsync(this::accept);
    Process p =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/usr/bin/python3",
                "-c",
                "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]);"
                    + " s.recv(1)",
                sock.toString())
            .redirectErrorStream(true)
            .start();
    try (ControlConnection server = accepted.get(20, TimeUnit.SECONDS)) {
      assertEquals(65534, server.peer().uid());
      assertEquals(65534, server.peer().gid());
      assertEquals(p.pid(), server.peer().pid());
      assertTrue(server.peer().groups().isEmpty(), () -> "groups " + server.peer().groups());
    } finally {
      p.destroy();
    }
  }

  @Test
  void theKernelKeepsOutAUserTheModeForbidsAndTheClientSaysPermissionDenied() throws Exception {
    Path sock = dir.resolve("c.sock");
    listener = sockets.listen(at(sock));
    Process p =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/usr/bin/python3",
                "-c",
                "import socket,sys\n"
                    + "s=socket.socket(socket.AF_UNIX)\n"
                    + "try:\n  s.connect(sys.argv[1]); print('connected')\n"
                    + "except PermissionError: print('EACCES')",
                sock.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals("EACCES", new String(p.getInputStream().readAllBytes()).strip());
  }

  @Test
  void aStaleSocketIsReplacedButALiveOneOrAnotherFileIsNot() throws IOException {
    Path sock = dir.resolve("c.sock");
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      live.bind(UnixDomainSocketAddress.of(sock));
      IOException e = assertThrows(IOException.class, () -> sockets.listen(at(sock)));
      assertTrue(e.getMessage().contains("another process listens"), e.getMessage());
      assertTrue(Files.exists(sock), "a live socket is left alone");
    }
    // the JDK leaves the file behind when it closes: now nothing answers on it
    assertTrue(Files.exists(sock));
    ControlConnectException refused =
        assertThrows(ControlConnectException.class, () -> sockets.connect(sock));
    assertEquals(ControlConnectException.Reason.REFUSED, refused.reason());
    listener = sockets.listen(at(sock));
    assertTrue(listener.isOpen());
    listener.close();

    Path file = dir.resolve("plain");
    Files.writeString(file, "keep me");
    IOException e = assertThrows(IOException.class, () -> sockets.listen(at(file)));
    assertTrue(e.getMessage().contains("exists and is not a socket: left alone"), e.getMessage());
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void connectSaysWhetherTheSocketIsMissingOrNotASocket() throws IOException {
    ControlConnectException missing =
        assertThrows(ControlConnectException.class, () -> sockets.connect(dir.resolve("none")));
    assertEquals(ControlConnectException.Reason.MISSING, missing.reason());
    Path file = Files.writeString(dir.resolve("plain"), "x");
    ControlConnectException notSocket =
        assertThrows(ControlConnectException.class, () -> sockets.connect(file));
    assertEquals(ControlConnectException.Reason.NOT_A_SOCKET, notSocket.reason());
  }

  @Test
  void closingAConnectionWakesAWriterBlockedOnAClientThatDoesNotRead() throws Exception {
    Path sock = dir.resolve("c.sock");
    listener = sockets.listen(at(sock));
    CompletableFuture<ControlConnection> accepted = CompletableFuture.supplyAsync(this::accept);
    try (ControlConnection client = sockets.connect(sock)) {
      ControlConnection server = accepted.get(10, TimeUnit.SECONDS);
      AtomicLong written = new AtomicLong();
      CompletableFuture<Throwable> writer =
          CompletableFuture.supplyAsync(
              () -> {
                byte[] chunk = new byte[8192];
                try {
                  OutputStream out = server.output();
                  while (true) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                  }
                } catch (IOException e) {
                  return e;
                }
              });
      // the writer fills the socket buffer and blocks
      await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 0);
      long before = -1;
      while (before != written.get()) {
        before = written.get();
        Thread.sleep(200); // checking that no more goes through, not waiting for an event
      }
      assertFalse(writer.isDone());
      server.close();
      Throwable t = writer.get(5, TimeUnit.SECONDS);
      assertTrue(t instanceof IOException, String.valueOf(t));
    }
  }

  @Test
  void aReadTimesOutWhenTheClientSaysNothing() throws Exception {
    Path sock = dir.resolve("c.sock");
    listener = sockets.listen(at(sock));
    CompletableFuture<ControlConnection> accepted = CompletableFuture.supplyAsync(this::accept);
    try (ControlConnection client = sockets.connect(sock);
        ControlConnection server = accepted.get(10, TimeUnit.SECONDS)) {
      server.setReadTimeout(200);
      assertThrows(java.net.SocketTimeoutException.class, () -> server.input().read());
    }
  }

  @Test
  void closingTheListenerWakesAnAcceptAndLeavesAFileThatIsNotItsOwn() throws Exception {
    Path sock = dir.resolve("c.sock");
    listener = sockets.listen(at(sock));
    CompletableFuture<ControlConnection> accepted = CompletableFuture.supplyAsync(this::accept);
    Files.delete(sock);
    Files.writeString(sock, "another's");
    listener.close();
    assertThrows(Exception.class, () -> accepted.get(10, TimeUnit.SECONDS));
    assertEquals("another's", Files.readString(sock));
  }

  private ControlConnection accept() {
    try {
      return listener.accept();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
