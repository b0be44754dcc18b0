package io.vmpower.hal.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class SimulatedQemuSocketsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;
  SimulatedHost host;
  SimulatedQemuSockets sockets;

  @BeforeEach
  void setUp() throws IOException {
    host = new SimulatedHost(Scenario.defaultScenario(), dir);
    sockets = new SimulatedQemuSockets(host);
  }

  @AfterEach
  void tearDown() {
    sockets.close();
    host.close();
  }

  @Test
  void listensForEveryChannelOfEveryRunningVm() throws IOException {
    for (String s : List.of("vm1.0", "vm1.1", "vm2.0", "vm2.1", "vm2.2", "vm2.3")) {
      assertTrue(isSocket(dir.resolve(s)), s);
    }
    assertEquals(dir.resolve("vm1.0"), sockets.hostSocket("vm1", 0));
    assertEquals(
        dir.resolve("guests/vm2/virtio.serial.port.poweragent.3"), sockets.guestSocket("vm2", 3));
    assertTrue(isSocket(sockets.guestSocket("vm2", 3)));
    assertFalse(Files.exists(dir.resolve("guests/vm3")));
    assertEquals("rwxr-x---", mode(dir.resolve("guests")));
    assertEquals("rwx------", mode(dir.resolve("guests/vm1")));
  }

  @Test
  void relaysBytesBothWays() throws IOException {
    try (SocketChannel hostEnd = connect(sockets.hostSocket("vm1", 0));
        SocketChannel guest = connect(sockets.guestSocket("vm1", 0))) {
      write(guest, "request");
      assertEquals("request", read(hostEnd, 7));
      write(hostEnd, "reply");
      assertEquals("reply", read(guest, 5));
    }
  }

  @Test
  void guestBytesWaitForAHostAndHostBytesWaitForAGuest() throws IOException {
    try (SocketChannel guest = connect(sockets.guestSocket("vm2", 1))) {
      write(guest, "early");
      await().atMost(WAIT).until(() -> sockets.guestConnected("vm2", 1));
      try (SocketChannel hostEnd = connect(sockets.hostSocket("vm2", 1))) {
        assertEquals("early", read(hostEnd, 5));
      }
    }
    try (SocketChannel hostEnd = connect(sockets.hostSocket("vm2", 2))) {
      write(hostEnd, "kept");
      await().atMost(WAIT).until(() -> sockets.hostConnected("vm2", 2));
      try (SocketChannel guest = connect(sockets.guestSocket("vm2", 2))) {
        assertEquals("kept", read(guest, 4));
      }
    }
  }

  @Test
  void hangUpClosesTheHostConnectionAndTheHostCanConnectAgain() throws IOException {
    try (SocketChannel guest = connect(sockets.guestSocket("vm1", 1))) {
      SocketChannel first = connect(sockets.hostSocket("vm1", 1));
      await().atMost(WAIT).until(() -> sockets.hostConnected("vm1", 1));
      await().atMost(WAIT).until(() -> sockets.guestConnected("vm1", 1));
      host.hangUp("vm1", 1);
      assertEof(first);
      first.close();
      assertFalse(sockets.hostConnected("vm1", 1));
      assertTrue(sockets.guestConnected("vm1", 1), "the guest keeps its connection");
      write(guest, "after");
      try (SocketChannel second = connect(sockets.hostSocket("vm1", 1))) {
        assertEquals("after", read(second, 5));
        write(second, "back");
        assertEquals("back", read(guest, 4));
      }
    }
  }

  @Test
  void aHostDisconnectDoesNotDropTheGuest() throws IOException {
    try (SocketChannel guest = connect(sockets.guestSocket("vm1", 0))) {
      try (SocketChannel hostEnd = connect(sockets.hostSocket("vm1", 0))) {
        write(guest, "one");
        assertEquals("one", read(hostEnd, 3));
      }
      await().atMost(WAIT).until(() -> !sockets.hostConnected("vm1", 0));
      write(guest, "two");
      try (SocketChannel hostEnd = connect(sockets.hostSocket("vm1", 0))) {
        assertEquals("two", read(hostEnd, 3));
      }
    }
  }

  @Test
  void stopVmClosesAndRemovesItsSocketsAndStartVmBindsThemAgain() throws IOException {
    try (SocketChannel hostEnd = connect(sockets.hostSocket("vm1", 0))) {
      await().atMost(WAIT).until(() -> sockets.hostConnected("vm1", 0));
      host.stopVm("vm1");
      assertEof(hostEnd);
    }
    assertFalse(Files.exists(dir.resolve("vm1.0")));
    assertFalse(Files.exists(dir.resolve("vm1.1")));
    assertFalse(Files.exists(dir.resolve("guests/vm1")));
    assertTrue(isSocket(dir.resolve("vm2.0")));
    assertThrows(IOException.class, () -> connect(dir.resolve("vm1.0")));

    host.startVm("vm1");
    assertTrue(isSocket(dir.resolve("vm1.0")));
    try (SocketChannel hostEnd = connect(sockets.hostSocket("vm1", 0));
        SocketChannel guest = connect(sockets.guestSocket("vm1", 0))) {
      write(guest, "hi");
      assertEquals("hi", read(hostEnd, 2));
    }
  }

  @Test
  void aVmDefinedRunningGetsSockets() throws IOException {
    host.defineVm(new Scenario.Vm("vm9", "running", 1, null, List.of(4), null, null, null));
    assertTrue(isSocket(dir.resolve("vm9.4")));
    assertTrue(isSocket(sockets.guestSocket("vm9", 4)));
  }

  @Test
  void closeRemovesEverySocketFileAndFolderItMade() throws IOException {
    SocketChannel hostEnd = connect(sockets.hostSocket("vm2", 0));
    await().atMost(WAIT).until(() -> sockets.hostConnected("vm2", 0));
    sockets.close();
    assertEof(hostEnd);
    hostEnd.close();
    try (Stream<Path> left = Files.walk(dir)) {
      assertEquals(List.of(dir), left.toList());
    }
    sockets.close(); // idempotent
    host.startVm("vm3"); // no longer observed: nothing is bound
    try (Stream<Path> left = Files.walk(dir)) {
      assertEquals(List.of(dir), left.toList());
    }
  }

  @Test
  void aChannelFolderItCreatesIsRemovedOnClose() throws IOException {
    Path sub = dir.resolve("run/powermonitor");
    try (SimulatedHost h = new SimulatedHost(Scenario.defaultScenario(), sub);
        SimulatedQemuSockets s = new SimulatedQemuSockets(h)) {
      assertEquals("rwxr-x---", mode(sub));
      assertTrue(isSocket(sub.resolve("vm2.3")));
    }
    assertFalse(Files.exists(sub));
  }

  // ---- helpers: a test plays the host monitor and the guest with plain JDK sockets ----

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return ch;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  private static void write(SocketChannel ch, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** Reads exactly {@code n} bytes, failing after {@link #WAIT}. */
  private static String read(SocketChannel ch, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    ch.configureBlocking(false);
    try (Selector sel = Selector.open()) {
      ch.register(sel, SelectionKey.OP_READ);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (buf.hasRemaining()) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          fail("only " + buf.position() + " of " + n + " bytes arrived");
        }
        sel.select(left);
        sel.selectedKeys().clear();
        if (ch.read(buf) < 0) {
          fail("end-of-file after " + buf.position() + " of " + n + " bytes");
        }
      }
    }
    ch.configureBlocking(true);
    return new String(buf.array(), StandardCharsets.US_ASCII);
  }

  private static void assertEof(SocketChannel ch) throws IOException {
    ch.configureBlocking(false);
    try (Selector sel = Selector.open()) {
      ch.register(sel, SelectionKey.OP_READ);
      long deadline = System.nanoTime() + WAIT.toNanos();
      ByteBuffer buf = ByteBuffer.allocate(64);
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          fail("no end-of-file");
        }
        sel.select(left);
        sel.selectedKeys().clear();
        buf.clear();
        if (ch.read(buf) < 0) {
          return;
        }
      }
    }
  }

  /** Whether {@code p} is an AF_UNIX socket file (S_IFSOCK). */
  private static boolean isSocket(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0140000;
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
