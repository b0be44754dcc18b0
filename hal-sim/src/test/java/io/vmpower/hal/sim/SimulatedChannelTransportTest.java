package io.vmpower.hal.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedChannelTransportTest {
  private static final Duration SHORT = Duration.ofSeconds(5);

  @TempDir Path dir;
  SimulatedHost host;
  SimulatedChannelTransport transport;
  Recorder rec = new Recorder();

  /** Records events as text, and which endpoints they named. */
  static class Recorder implements ChannelEventHandler {
    final List<String> events = new ArrayList<>();

    @Override
    public void onReadable(ChannelEndpoint ep) {
      events.add("readable " + ep.path().getFileName());
    }

    @Override
    public void onWritable(ChannelEndpoint ep) {
      events.add("writable " + ep.path().getFileName());
    }

    @Override
    public void onHangUp(ChannelEndpoint ep) {
      events.add("hangup " + ep.path().getFileName());
    }

    @Override
    public void onAttachable(Path path) {
      events.add("attachable " + path.getFileName());
    }

    List<String> take() {
      List<String> out = List.copyOf(events);
      events.clear();
      return out;
    }
  }

  @BeforeEach
  void setUp() {
    host = new SimulatedHost(Scenario.defaultScenario(), dir);
    transport = new SimulatedChannelTransport(host);
  }

  @AfterEach
  void tearDown() {
    transport.close();
    host.close();
  }

  @Test
  void guestBytesWrittenBeforeAttachAreDelivered() throws IOException {
    SimulatedGuestPort guest = host.guestPort("vm1", 0);
    guest.write(bytes(1, 16));
    assertFalse(guest.hostAttached());
    assertEquals(16, guest.pendingToHost());
    ChannelEndpoint ep = transport.open(dir.resolve("vm1.0"));
    assertTrue(guest.hostAttached());
    transport.await(0, rec);
    assertEquals(List.of("readable vm1.0"), rec.take());
    ByteBuffer buf = ByteBuffer.allocate(100);
    assertEquals(16, ep.read(buf));
    assertArrayEquals(bytes(1, 16), Arrays.copyOf(buf.array(), 16));
    assertEquals(0, ep.read(buf));
    transport.await(0, rec);
    assertEquals(List.of(), rec.take());
  }

  @Test
  void aPacketCanArriveSplitAcrossReads() throws IOException {
    ChannelEndpoint ep = transport.open(host.channelPath("vm2", 3));
    SimulatedGuestPort guest = host.guestPort("vm2", 3);
    guest.splitDelivery(100, 300);
    guest.write(bytes(7, 464));
    ByteBuffer buf = ByteBuffer.allocate(1000);
    assertEquals(100, ep.read(buf));
    assertEquals(300, ep.read(buf));
    assertEquals(64, ep.read(buf));
    assertEquals(0, ep.read(buf));
    assertArrayEquals(bytes(7, 464), Arrays.copyOf(buf.array(), 464));
  }

  @Test
  void severalPacketsCoalesceInOneRead() throws IOException {
    ChannelEndpoint ep = transport.open(host.channelPath("vm1", 1));
    SimulatedGuestPort guest = host.guestPort("vm1", 1);
    guest.write(bytes(1, 16));
    guest.write(bytes(2, 16));
    guest.write(bytes(3, 16));
    ByteBuffer buf = ByteBuffer.allocate(40);
    assertEquals(40, ep.read(buf)); // as much as fits
    assertEquals(8, ep.read(ByteBuffer.allocate(40)));
  }

  @Test
  void hangUpShowsAsEndOfFileAndThePathCanBeAttachedAgain() throws Exception {
    Path path = host.channelPath("vm1", 0);
    ChannelEndpoint ep = transport.open(path);
    SimulatedGuestPort guest = host.guestPort("vm1", 0);
    guest.write(bytes(1, 5));
    host.hangUp("vm1", 0);
    guest.write(bytes(2, 7)); // after the hang-up: kept for the next host end
    transport.await(0, rec);
    assertEquals(List.of("readable vm1.0", "attachable vm1.0"), rec.take());
    ByteBuffer buf = ByteBuffer.allocate(64);
    assertEquals(5, ep.read(buf)); // what it had received, then end-of-file
    assertEquals(-1, ep.read(buf));
    assertThrows(IOException.class, () -> ep.write(ByteBuffer.wrap(bytes(0, 4))));
    ep.close();
    transport.await(0, rec);
    assertEquals(List.of(), rec.take());

    ChannelEndpoint again = transport.open(path);
    ByteBuffer buf2 = ByteBuffer.allocate(64);
    assertEquals(7, again.read(buf2));
    assertArrayEquals(bytes(2, 7), Arrays.copyOf(buf2.array(), 7));
    assertEquals(4, again.write(ByteBuffer.wrap(bytes(9, 4))));
    assertArrayEquals(bytes(9, 4), guest.readExactly(4, SHORT));
  }

  @Test
  void whatAClosedHostEndHadNotReadIsLost() throws IOException {
    Path path = host.channelPath("vm1", 0);
    ChannelEndpoint ep = transport.open(path);
    host.guestPort("vm1", 0).write(bytes(1, 10));
    ep.close();
    assertFalse(ep.isOpen());
    assertThrows(ClosedChannelException.class, () -> ep.read(ByteBuffer.allocate(4)));
    ChannelEndpoint again = transport.open(path);
    assertEquals(0, again.read(ByteBuffer.allocate(64)));
  }

  @Test
  void aResetSocketReportsHangUpAndFailsReads() throws IOException {
    Path path = host.channelPath("vm2", 0);
    ChannelEndpoint ep = transport.open(path);
    host.resetChannel("vm2", 0);
    transport.await(0, rec);
    assertEquals(List.of("hangup vm2.0", "attachable vm2.0"), rec.take());
    IOException e = assertThrows(IOException.class, () -> ep.read(ByteBuffer.allocate(4)));
    assertEquals("Connection reset by peer on " + path, e.getMessage());
    ep.close();
    transport.open(path);
  }

  @Test
  void openIsRefusedWhileTheVmIsStoppedAndAnnouncedWhenItStarts() throws IOException {
    Path path = host.channelPath("vm1", 1);
    ChannelEndpoint ep = transport.open(path);
    host.guestPort("vm1", 1).write(bytes(1, 3));
    host.stopVm("vm1");
    transport.await(0, rec);
    assertEquals(List.of("readable vm1.1"), rec.take());
    assertEquals(3, ep.read(ByteBuffer.allocate(16))); // already in its socket: readable
    assertEquals(-1, ep.read(ByteBuffer.allocate(16))); // then end-of-file: QEMU exited
    ep.close();
    ConnectException refused = assertThrows(ConnectException.class, () -> transport.open(path));
    assertEquals(
        "connection refused at " + path + ": VM 'vm1' is not running", refused.getMessage());
    assertThrows(IllegalStateException.class, () -> host.guestPort("vm1", 1).write(bytes(1, 1)));

    host.startVm("vm1");
    transport.await(0, rec);
    assertEquals(List.of("attachable vm1.0", "attachable vm1.1"), rec.take());
    ChannelEndpoint again = transport.open(path);
    assertEquals(0, again.read(ByteBuffer.allocate(16)));
  }

  @Test
  void openOfAnUnknownChannelSaysThereIsNoSocket() {
    Path p = dir.resolve("vm3.0");
    assertEquals(
        "no socket at " + p, assertThrows(IOException.class, () -> transport.open(p)).getMessage());
    Path q = dir.resolve("elsewhere").resolve("vm1.0");
    assertEquals(
        "no socket at " + q, assertThrows(IOException.class, () -> transport.open(q)).getMessage());
  }

  @Test
  void oneHostEndAtATime() throws IOException {
    Path path = host.channelPath("vm1", 0);
    transport.open(path);
    assertThrows(ConnectException.class, () -> transport.open(path));
  }

  @Test
  void aGuestThatDoesNotReadFillsUpAndThenTakesNothing() throws Exception {
    ChannelEndpoint ep = transport.open(host.channelPath("vm1", 0));
    SimulatedGuestPort guest = host.guestPort("vm1", 0);
    guest.stopReading(100);
    ByteBuffer out = ByteBuffer.wrap(bytes(1, 150));
    assertEquals(100, ep.write(out));
    assertEquals(0, ep.write(out));
    ep.watchWritable(true);
    transport.await(0, rec);
    assertEquals(List.of(), rec.take());
    assertEquals(100, guest.readNow().length);
    transport.await(0, rec);
    assertEquals(List.of("writable vm1.0"), rec.take());
    assertEquals(50, ep.write(out));
    guest.resumeReading();
    assertEquals(50, guest.available());
  }

  @Test
  void awaitBlocksWithoutSpinningUntilWokenUp() throws Exception {
    ChannelEndpoint ep = transport.open(host.channelPath("vm1", 0)); // idle endpoint
    AtomicInteger returns = new AtomicInteger();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    Recorder threadRec =
        new Recorder() {
          @Override
          public void onReadable(ChannelEndpoint e) {
            seen.add("readable");
            try {
              e.read(ByteBuffer.allocate(64));
            } catch (IOException ex) {
              throw new AssertionError(ex);
            }
          }
        };
    Thread monitor =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  transport.await(-1, threadRec);
                  returns.incrementAndGet();
                }
              } catch (IOException e) {
                seen.add("closed");
              }
            });
    monitor.setDaemon(true);
    monitor.start();
    await().atMost(SHORT).until(() -> monitor.getState() == Thread.State.WAITING);
    assertEquals(0, returns.get());
    transport.wakeup();
    await().atMost(SHORT).until(() -> returns.get() == 1);
    await().atMost(SHORT).until(() -> monitor.getState() == Thread.State.WAITING);
    assertEquals(1, returns.get());
    host.advance(Duration.ofSeconds(1)); // simulated time wakes it too
    await().atMost(SHORT).until(() -> returns.get() == 2);
    await().atMost(SHORT).until(() -> monitor.getState() == Thread.State.WAITING);
    host.guestPort("vm1", 0).write(bytes(1, 8));
    await().atMost(SHORT).until(() -> returns.get() == 3);
    await().atMost(SHORT).until(() -> monitor.getState() == Thread.State.WAITING);
    assertEquals(List.of("readable"), seen);
    assertEquals(3, returns.get());
    assertTrue(ep.isOpen());
    transport.close();
    await().atMost(SHORT).until(() -> !monitor.isAlive());
    assertEquals(List.of("readable", "closed"), seen);
  }

  @Test
  void awaitWithATimeoutReturnsWithoutEvents() throws IOException {
    transport.open(host.channelPath("vm1", 0));
    transport.await(20, rec);
    assertEquals(List.of(), rec.take());
  }

  @Test
  void aWakeupBeforeAwaitMakesTheNextOneReturn() throws IOException {
    transport.wakeup();
    transport.await(-1, rec); // would block forever otherwise
    assertEquals(List.of(), rec.take());
  }

  @Test
  void peerCredentialsPerVm() throws IOException {
    ChannelEndpoint ep = transport.open(host.channelPath("vm1", 0));
    assertEquals(64055, ep.peer().uid());
    assertEquals(64055, ep.peer().gid());
    long pid = ep.peer().pid();
    assertTrue(pid > 0);
    host.stopVm("vm1");
    host.startVm("vm1");
    ep.close();
    ChannelEndpoint restarted = transport.open(host.channelPath("vm1", 0));
    assertTrue(restarted.peer().pid() > pid, "a restarted QEMU has a new pid");
    host.setPeer("vm2", new PeerCredentials(0, 0, 77));
    assertEquals(new PeerCredentials(0, 0, 77), transport.open(host.channelPath("vm2", 1)).peer());
  }

  @Test
  void guestReadsWaitForHostBytesAndEndWhenTheVmStops() throws Exception {
    ChannelEndpoint ep = transport.open(host.channelPath("vm1", 0));
    SimulatedGuestPort guest = host.guestPort("vm1", 0);
    assertEquals(0, guest.read(new byte[4], Duration.ofMillis(10)));
    ep.write(ByteBuffer.wrap(bytes(3, 6)));
    byte[] got = new byte[10];
    assertEquals(6, guest.read(got, SHORT));
    assertThrows(TimeoutException.class, () -> guest.readExactly(1, Duration.ofMillis(10)));
    host.stopVm("vm1");
    assertEquals(-1, guest.read(got, SHORT));
  }

  @Test
  void closingTheTransportClosesItsEndpoints() throws IOException {
    ChannelEndpoint ep = transport.open(host.channelPath("vm1", 0));
    transport.close();
    assertFalse(ep.isOpen());
    assertThrows(IOException.class, () -> transport.await(0, rec));
    assertThrows(IOException.class, () -> transport.open(host.channelPath("vm1", 1)));
    assertFalse(host.guestPort("vm1", 0).hostAttached());
  }

  private static byte[] bytes(int seed, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }
}
