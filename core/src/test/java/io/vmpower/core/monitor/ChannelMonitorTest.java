package io.vmpower.core.monitor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeGuestPort;
import io.vmpower.core.testing.LogCapture;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelEvent;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor over fake channels, driven turn by turn (and once on its own thread). */
class ChannelMonitorTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final FakeCpuFrequencies hw =
      FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.TURBO_TABLE, 4);
  private final FakeClock clock = new FakeClock();
  private final FakeChannelTransport transport = new FakeChannelTransport();
  private final VmRegistry registry = new VmRegistry();
  private final Vm vm1 =
      new Vm(new VmInfo("vm1", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3))));
  private ChannelMonitor monitor;

  private ChannelMonitor monitor(HostConfig config) {
    registry.add(vm1);
    monitor =
        new ChannelMonitor(
            transport, new RequestDispatcher(new PowerManager(hw), clock), config, clock, registry);
    return monitor;
  }

  private ChannelMonitor monitor() {
    return monitor(HostConfig.defaults(dir));
  }

  @AfterEach
  void closeMonitor() {
    if (monitor != null) {
      monitor.close();
    }
  }

  private Channel channel(int n) {
    return vm1.addChannel(n, dir.resolve("vm1." + n));
  }

  private static byte[] request(long vcpu, int unit) {
    return PowerRequestCodec.encode(PowerRequest.cpuPower(vcpu, unit), WireFormat.DPDK);
  }

  private static byte[] times(byte[] packet, int n) {
    byte[] all = new byte[packet.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(packet, 0, all, i * packet.length, packet.length);
    }
    return all;
  }

  private void turns(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      monitor.turn(0);
    }
  }

  @Test
  void aTurnWritesEachCpuOnceWhateverItsRequestsWere() throws Exception {
    monitor();
    Channel c0 = channel(0);
    Channel c1 = channel(1);
    FakeGuestPort g0 = transport.listen(c0.path());
    FakeGuestPort g1 = transport.listen(c1.path());
    monitor.attach(c0);
    monitor.attach(c1);

    // down then up on CPU 2 (vCPU 0): they cancel out, nothing is written
    g0.write(times(request(0, Wire.SCALE_DOWN), 1));
    g1.write(times(request(0, Wire.SCALE_UP), 1));
    monitor.turn(0);
    assertTrue(ReplyCodec.decode(g0.read(464)).isAck());
    assertTrue(ReplyCodec.decode(g1.read(464)).isAck());
    assertEquals(List.of(), hw.writes(), "down and up in one turn: no write");
    assertEquals(4, hw.currentIndex(2));

    // three downs on CPU 2 from two channels: one write, three steps
    g0.write(times(request(0, Wire.SCALE_DOWN), 2));
    g1.write(times(request(0, Wire.SCALE_DOWN), 1));
    monitor.turn(0);
    assertEquals(2 * 464, g0.read(2 * 464).length);
    assertEquals(464, g1.read(464).length);
    assertEquals(1, hw.writes().size());
    assertEquals(7, hw.currentIndex(2));
    assertEquals(3, c0.stats().get(Counter.ACKED) + c1.stats().get(Counter.ACKED) - 2);
  }

  @Test
  void whenATurnsWriteFailsTheRequestsThatDependedOnItAreNacked() throws Exception {
    monitor();
    Channel c0 = channel(0);
    FakeGuestPort g0 = transport.listen(c0.path());
    monitor.attach(c0);
    hw.failIndexWrites(2, "EBUSY");

    // vCPU 0 (CPU 2) twice, vCPU 1 (CPU 3) once: CPU 2's write fails, CPU 3's is made
    byte[] down0 = request(0, Wire.SCALE_DOWN);
    byte[] down1 = request(1, Wire.SCALE_DOWN);
    byte[] sent = new byte[3 * 464];
    System.arraycopy(down0, 0, sent, 0, 464);
    System.arraycopy(down1, 0, sent, 464, 464);
    System.arraycopy(down0, 0, sent, 928, 464);
    g0.write(sent);
    monitor.turn(0);

    byte[] replies = g0.read(3 * 464);
    assertEquals(3 * 464, replies.length);
    assertTrue(ReplyCodec.decode(Arrays.copyOfRange(replies, 0, 464)).isNack());
    assertTrue(ReplyCodec.decode(Arrays.copyOfRange(replies, 464, 928)).isAck());
    assertTrue(ReplyCodec.decode(Arrays.copyOfRange(replies, 928, 1392)).isNack());
    assertEquals(4, hw.currentIndex(2), "CPU 2 keeps its frequency");
    assertEquals(5, hw.currentIndex(3));
    assertEquals(2, c0.stats().get(Counter.NACK_SCALE_FAILED));
    assertEquals(1, c0.stats().get(Counter.ACKED));
    assertEquals(3, c0.stats().outcomes());

    // the failed turn's demands were undone: the next request steps from CPU 2's real frequency
    hw.healWrites(2);
    g0.write(down0);
    monitor.turn(0);
    assertTrue(ReplyCodec.decode(g0.read(464)).isAck());
    assertEquals(5, hw.currentIndex(2));
  }

  @Test
  void attachAllAttachesInOneCallOnTheMonitorThreadAndReportsEachFailure() throws Exception {
    monitor().start();
    Channel c0 = channel(0);
    Channel c1 = channel(1);
    Channel c2 = channel(2);
    FakeGuestPort g0 = transport.listen(c0.path());
    transport.listen(c2.path()); // nobody listens on c1's socket
    List<Exception> failures = monitor.attachAll(List.of(c0, c1, c2));
    assertEquals(3, failures.size());
    assertEquals(null, failures.get(0));
    assertTrue(failures.get(1) != null, "c1 has no socket");
    assertEquals(null, failures.get(2));
    assertEquals(ChannelState.CONNECTED, c0.state());
    assertEquals(ChannelState.DISCONNECTED, c1.state());
    assertEquals(ChannelState.CONNECTED, c2.state());
    assertEquals(2, transport.opens());

    g0.write(request(0, Wire.SCALE_DOWN));
    assertTrue(ReplyCodec.decode(g0.readFully(464, PATIENCE)).isAck(), "served once attached");
  }

  @Test
  void attachesServesARequestAndWritesTheReply() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());

    monitor.attach(c);
    assertEquals(ChannelState.CONNECTED, c.state());
    assertEquals(1, c.stats().get(Counter.ATTACHES));
    assertEquals(new PeerCredentials(64055, 64055, 4242), c.peer());

    guest.write(request(1, Wire.SCALE_UP));
    monitor.turn(0);

    ReplyCodec.Reply reply = ReplyCodec.decode(guest.read(464));
    assertTrue(reply.isAck());
    assertEquals(1, reply.resourceId());
    assertEquals(3, hw.currentIndex(3));
    assertEquals(1, c.stats().get(Counter.REQUESTS));
    assertEquals(1, c.stats().get(Counter.ACKED));
    assertEquals(ChannelState.CONNECTED, c.state());
  }

  @Test
  void attachOfAMissingSocketFailsAndSaysWhy() throws Exception {
    monitor();
    Channel c = channel(0);

    IOException e = assertThrows(IOException.class, () -> monitor.attach(c));

    assertTrue(e.getMessage().contains("no such socket"), e.getMessage());
    assertEquals(ChannelState.DISCONNECTED, c.state());
  }

  @Test
  void aSplitPacketIsServedOnce() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());
    monitor.attach(c);
    byte[] packet = request(0, Wire.SCALE_DOWN);

    guest.write(Arrays.copyOfRange(packet, 0, 200));
    turns(2);
    assertEquals(0, guest.available());
    assertEquals(0, c.stats().get(Counter.REQUESTS));

    guest.write(Arrays.copyOfRange(packet, 200, 464));
    turns(3);

    assertEquals(464, guest.available());
    assertEquals(1, c.stats().get(Counter.REQUESTS));
    assertEquals(1, hw.writes().size());
    assertEquals(5, hw.currentIndex(2));
  }

  @Test
  void splitPacketsOnTwoChannelsInterleavedAreEachServedOnceWithTheirOwnReply() throws Exception {
    monitor();
    Channel c0 = channel(0);
    Channel c1 = channel(1);
    FakeGuestPort g0 = transport.listen(c0.path());
    FakeGuestPort g1 = transport.listen(c1.path());
    monitor.attach(c0);
    monitor.attach(c1);
    byte[] p0 = request(0, Wire.SCALE_DOWN);
    byte[] p1 = request(1, Wire.SCALE_UP);

    g0.write(Arrays.copyOfRange(p0, 0, 100));
    g1.write(Arrays.copyOfRange(p1, 0, 400));
    turns(2);
    g1.write(Arrays.copyOfRange(p1, 400, 464));
    turns(2);
    g0.write(Arrays.copyOfRange(p0, 100, 464));
    turns(2);

    byte[] ack0 = g0.read(464);
    byte[] ack1 = g1.read(464);
    assertEquals(0, g0.available());
    assertEquals(0, g1.available());
    assertTrue(ReplyCodec.decode(ack0).isAck());
    assertTrue(ReplyCodec.decode(ack1).isAck());
    ack0[Wire.OFF_COMMAND] = (byte) Wire.CPU_POWER;
    ack1[Wire.OFF_COMMAND] = (byte) Wire.CPU_POWER;
    assertArrayEquals(p0, ack0, "channel 0's reply echoes its own request");
    assertArrayEquals(p1, ack1, "channel 1's reply echoes its own request");
    assertEquals(1, c0.stats().get(Counter.ACKED));
    assertEquals(1, c1.stats().get(Counter.ACKED));
    assertEquals(5, hw.currentIndex(2));
    assertEquals(3, hw.currentIndex(3));
  }

  @Test
  void manyPacketsInOneReadAreAllServedAFewPerTurn() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());
    monitor.attach(c);

    guest.write(times(request(0, Wire.SCALE_MIN), 40));
    monitor.turn(0);
    assertEquals(32, c.stats().get(Counter.REQUESTS), "packetsPerTurn bounds one turn");
    monitor.turn(0);

    assertEquals(40, c.stats().get(Counter.REQUESTS));
    assertEquals(40, c.stats().outcomes());
    assertEquals(40 * 464, guest.available());
  }

  @Test
  void aFloodingChannelDoesNotStarveAQuietOne() throws Exception {
    monitor();
    Channel flooder = channel(0);
    Channel quiet = channel(1);
    FakeGuestPort flood = transport.listen(flooder.path());
    FakeGuestPort one = transport.listen(quiet.path());
    monitor.attach(flooder);
    monitor.attach(quiet);

    flood.write(times(request(0, Wire.SCALE_DOWN), 1000));
    one.write(request(1, Wire.SCALE_MIN));
    monitor.turn(0);

    assertEquals(
        1, quiet.stats().get(Counter.ACKED), "the quiet guest is served in the first turn");
    assertEquals(32, flooder.stats().get(Counter.REQUESTS), "the flooder gets packetsPerTurn");
  }

  @Test
  void aFloodOfBadPacketsLogsAFewLinesPerSecondThenOneSummary() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());
    monitor.attach(c);

    try (LogCapture logs = new LogCapture(RequestDispatcher.class)) {
      guest.write(times(request(0, 99), 200));
      turns(10);
      assertEquals(200, c.stats().get(Counter.NACK_UNKNOWN_UNIT));
      assertEquals(RefusalLog.BURST, logs.matching("unknown unit 99 refused").size());
      assertEquals(List.of(), logs.matching("not logged"), "no summary before the second is over");

      clock.advance(Duration.ofSeconds(1));
      monitor.turn(0);
      assertEquals(
          List.of(
              "WARN vm1.0: 195 more line(s) like these not logged in the last 1 s (at most 5 a"
                  + " second per channel; show_stats counts every request)"),
          logs.matching("not logged"));

      guest.write(times(request(7, Wire.SCALE_UP), 3));
      turns(2);
      assertEquals(3, logs.matching("vCPU 7 refused").size(), "a new second, a new allowance");
    }
  }

  @Test
  void theRefusalSummaryIsDueOneSecondAfterTheFirstRefusalOnTheMonitorThread() throws Exception {
    ChannelMonitor m = monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());
    m.attach(c);

    try (LogCapture logs = new LogCapture(RequestDispatcher.class)) {
      guest.write(times(request(0, 0), RefusalLog.BURST + 1));
      turns(2);
      m.start();
      clock.advance(Duration.ofSeconds(1));
      transport.wakeup();

      await().atMost(PATIENCE).until(() -> logs.matching("1 more line(s)").size() == 1);
    }
  }

  @Test
  void aHungUpChannelIsReattachedByItselfAfterTheBackOff() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listenUnnoticed(c.path());
    monitor.attach(c);
    guest.write(Arrays.copyOf(request(0, Wire.SCALE_UP), 100));

    guest.hangUp();
    monitor.turn(0); // reads the 100 bytes
    assertEquals(ChannelState.CONNECTED, c.state());
    monitor.turn(0); // reads end-of-file
    assertEquals(ChannelState.DISCONNECTED, c.state());
    assertEquals(1, c.stats().get(Counter.HANGUPS));
    assertEquals(100, c.stats().get(Counter.INCOMPLETE_BYTES));
    assertFalse(guest.hostConnected());

    transport.listenUnnoticed(c.path());
    int attempts = transport.openAttempts();
    clock.advance(Duration.ofMillis(99));
    turns(3);
    assertEquals(ChannelState.DISCONNECTED, c.state(), "not before the back-off");
    assertEquals(attempts, transport.openAttempts());

    clock.advance(Duration.ofMillis(1));
    monitor.turn(0);
    assertEquals(ChannelState.CONNECTED, c.state());
    assertEquals(2, c.stats().get(Counter.ATTACHES));

    guest.write(request(0, Wire.SCALE_UP));
    monitor.turn(0);
    assertTrue(ReplyCodec.decode(guest.read(464)).isAck());
    assertEquals(3, hw.currentIndex(2));
  }

  @Test
  void reattachBacksOffExponentiallyUpToTheMaximum() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listenUnnoticed(c.path());
    monitor.attach(c);
    guest.hangUp();
    monitor.turn(0);
    assertEquals(ChannelState.DISCONNECTED, c.state());
    int base = transport.openAttempts();

    long[] delaysMs = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
    for (int i = 0; i < delaysMs.length; i++) {
      clock.advance(Duration.ofMillis(delaysMs[i] - 1));
      monitor.turn(0);
      assertEquals(base + i, transport.openAttempts(), "no attempt before " + delaysMs[i] + " ms");
      clock.advance(Duration.ofMillis(1));
      monitor.turn(0);
      assertEquals(base + i + 1, transport.openAttempts(), "an attempt at " + delaysMs[i] + " ms");
    }
    assertTrue(c.lastError().contains("connection refused"), c.lastError());

    transport.listen(c.path());
    monitor.turn(0);
    assertEquals(ChannelState.CONNECTED, c.state(), "the transport's hint skips the back-off");
    assertEquals("", c.lastError());
  }

  @Test
  void aDisabledChannelDropsItsRequestsAndCountsThem() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());
    monitor.attach(c);
    c.stateMachine().fire(ChannelEvent.DISABLE);

    guest.write(times(request(0, Wire.SCALE_UP), 3));
    monitor.turn(0);

    assertEquals(0, guest.available());
    assertTrue(hw.writes().isEmpty());
    assertEquals(3, c.stats().get(Counter.DROPPED_DISABLED));
    assertEquals(3, c.stats().outcomes());

    guest.hangUp();
    monitor.turn(0);
    transport.listen(c.path());
    monitor.turn(0);
    assertEquals(ChannelState.DISABLED, c.state(), "disabled survives a re-attach");

    c.stateMachine().fire(ChannelEvent.ENABLE);
    guest.write(request(0, Wire.SCALE_UP));
    monitor.turn(0);
    assertEquals(464, guest.available());
  }

  @Test
  void aPeerWithAnotherUidIsRefused() throws Exception {
    monitor(HostConfig.defaults(dir).withAllowedPeerUids(Set.of(1000L)));
    Channel wrong = channel(0);
    Channel right = channel(1);
    transport.listen(wrong.path()).peer(new PeerCredentials(0, 0, 1));
    transport.listen(right.path()).peer(new PeerCredentials(1000, 1000, 2));

    IOException e = assertThrows(IOException.class, () -> monitor.attach(wrong));
    monitor.attach(right);

    assertTrue(e.getMessage().contains("uid 0 is not the allowed uid 1000"), e.getMessage());
    assertEquals(ChannelState.DISCONNECTED, wrong.state());
    assertEquals(1, wrong.stats().get(Counter.PEER_REFUSED));
    assertFalse(transport.port(wrong.path()).hostConnected(), "the refused end was closed");
    assertEquals(ChannelState.CONNECTED, right.state());
  }

  @Test
  void aGuestThatNeverReadsLosesRepliesWhileAnotherChannelIsServed() throws Exception {
    HostConfig d = HostConfig.defaults(dir);
    monitor(
        new HostConfig(
            dir,
            WireFormat.DPDK,
            64,
            Set.of(),
            List.of(),
            d.reattachMin(),
            d.reattachMax(),
            2 * 464,
            32));
    Channel slow = channel(0);
    Channel fast = channel(1);
    FakeGuestPort slowGuest = transport.listen(slow.path()).capacity(2 * 464);
    FakeGuestPort fastGuest = transport.listen(fast.path());
    monitor.attach(slow);
    monitor.attach(fast);
    byte[] min = request(0, Wire.SCALE_MIN);
    LogCapture logs = new LogCapture(RequestDispatcher.class);

    slowGuest.write(times(min, 10));
    monitor.turn(0);
    // 2 replies fit the queue and went to the guest; 8 did not fit the queue
    assertEquals(8, slow.stats().get(Counter.REPLIES_DROPPED));
    logs.close();
    assertEquals(
        "WARN vm1.0: reply dropped: the guest does not read its replies (928 bytes wait for it)",
        logs.lines().get(0));
    assertEquals(RefusalLog.BURST, logs.matching("reply dropped").size(), "rate-limited");
    assertEquals(2 * 464, slowGuest.available());

    slowGuest.write(times(min, 10));
    fastGuest.write(request(1, Wire.SCALE_MIN));
    turns(3);
    // the guest's side is full: 2 replies wait in the queue, 8 more dropped
    assertEquals(16, slow.stats().get(Counter.REPLIES_DROPPED));
    assertEquals(20, slow.stats().get(Counter.ACKED), "every request was served");
    assertEquals(2 * 464, slowGuest.available());
    assertEquals(464, fastGuest.available(), "the other channel is served meanwhile");
    assertEquals(ChannelState.CONNECTED, slow.state());

    slowGuest.read(3 * 464);
    monitor.turn(0);
    assertEquals(2 * 464, slowGuest.available(), "the queued replies follow once it reads");
    assertEquals(16, slow.stats().get(Counter.REPLIES_DROPPED));
  }

  @Test
  void onItsOwnThreadItServesReattachesAndStops() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());
    monitor.start();
    assertTrue(monitor.isRunning());
    monitor.attach(c);

    guest.write(request(0, Wire.SCALE_UP));
    assertTrue(ReplyCodec.decode(guest.readFully(464, PATIENCE)).isAck());

    guest.hangUp();
    transport.listen(c.path());
    await().atMost(PATIENCE).until(() -> c.stats().get(Counter.ATTACHES) == 2);
    guest.write(request(0, Wire.SCALE_UP));
    assertTrue(ReplyCodec.decode(guest.readFully(464, PATIENCE)).isAck());
    assertEquals(2, hw.currentIndex(2));

    monitor.close();
    assertFalse(monitor.isRunning());
    assertEquals(ChannelState.DISCONNECTED, c.state());
    assertTrue(transport.isClosed());
    assertEquals(0, transport.openEndpoints());
  }

  @Test
  void detachClosesTheConnectionAndStopsReattaching() throws Exception {
    monitor();
    Channel c = channel(0);
    FakeGuestPort guest = transport.listen(c.path());
    monitor.attach(c);
    guest.hangUp();
    monitor.turn(0);

    monitor.detach(c);
    vm1.removeChannel(0);
    transport.listen(c.path());
    int attempts = transport.openAttempts();
    clock.advance(Duration.ofSeconds(10));
    turns(3);

    assertEquals(attempts, transport.openAttempts());
    assertEquals(ChannelState.DISCONNECTED, c.state());
  }
}
