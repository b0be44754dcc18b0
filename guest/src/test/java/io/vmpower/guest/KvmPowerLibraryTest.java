package io.vmpower.guest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VM backend against a fake host on an AF_UNIX socket, as in the simulated demo. */
class KvmPowerLibraryTest {
  @TempDir Path dir;

  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  private Path prefix() {
    return dir.resolve("virtio.serial.port.poweragent");
  }

  private PowerLibraryConfig.Builder config() {
    return PowerLibraryConfig.builder()
        .environment(Environment.VM)
        .portPrefix(prefix())
        .sysfsRoot(dir.resolve("sys"))
        .vmName("testvm")
        .replyTimeout(Duration.ofMillis(200))
        .connectTimeout(Duration.ofMillis(500));
  }

  private FakeKvmHost host(int lcore, java.util.function.Function<byte[], byte[]> responder)
      throws IOException {
    return host(lcore, WireFormat.DPDK, responder);
  }

  private FakeKvmHost host(
      int lcore, WireFormat format, java.util.function.Function<byte[], byte[]> responder)
      throws IOException {
    FakeKvmHost h = FakeKvmHost.listen(KvmPorts.path(prefix(), lcore), format, responder);
    closeLater.add(h);
    return h;
  }

  private PowerLibrary library(PowerLibraryConfig config) {
    PowerLibrary lib =
        new AutoPowerLibrary(
            config,
            root -> {
              throw new AssertionError("a VM never opens cpufreq");
            });
    closeLater.add(lib);
    return lib;
  }

  private static String hex16(byte[] packet) {
    return HexFormat.of().formatHex(packet, 0, 16);
  }

  private static boolean zeroFrom(byte[] packet, int from) {
    for (int i = from; i < packet.length; i++) {
      if (packet[i] != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void initSendsTheConnectPacketWithOnlyItsCommandSet() throws Exception {
    FakeKvmHost host = host(0, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().build());

    lib.init(0);

    byte[] connect = host.nextRequest();
    byte[] expected = new byte[Wire.REQUEST_SIZE];
    expected[Wire.OFF_COMMAND] = Wire.CPU_POWER_CONNECT;
    assertArrayEquals(expected, connect);
    assertEquals(Environment.VM, lib.environment());
    assertEquals(CpuSet.of(0), lib.lcores());
  }

  @Test
  void eachScaleCallSendsTheLcoreTheUnitAndCommandOneAndZerosElsewhere() throws Exception {
    FakeKvmHost host = host(1, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().build());
    lib.init(1);
    host.nextRequest();

    assertEquals(PowerResult.ack(), lib.freqUp(1));
    byte[] up = host.nextRequest();
    assertEquals("0100000000000000" + "01000000" + "01000000", hex16(up));
    assertEquals(Wire.REQUEST_SIZE, up.length);
    assertTrue(zeroFrom(up, 16), "the 448 bytes after the head are zero");

    List<PowerResult> results =
        List.of(lib.freqDown(1), lib.freqMax(1), lib.freqMin(1), lib.enableTurbo(1));
    results = new ArrayList<>(results);
    results.add(lib.disableTurbo(1));
    int[] units = {
      Wire.SCALE_DOWN, Wire.SCALE_MAX, Wire.SCALE_MIN, Wire.ENABLE_TURBO, Wire.DISABLE_TURBO
    };
    for (int i = 0; i < units.length; i++) {
      assertEquals(PowerResult.ack(), results.get(i));
      byte[] r = host.nextRequest();
      assertEquals(
          "0100000000000000" + String.format("%02x000000", units[i]) + "01000000", hex16(r));
      assertTrue(zeroFrom(r, 16));
    }
  }

  @Test
  void aNackIsReportedAsAFailure() throws Exception {
    FakeKvmHost host = host(0, FakeKvmHost::nackScale);
    PowerLibrary lib = library(config().build());
    lib.init(0);

    PowerResult r = lib.freqMax(0);

    assertEquals(PowerResult.Status.NACK, r.status());
    assertTrue(r.isFailure());
    assertEquals("NACK", r.toString());
    host.nextRequest();
    assertEquals(
        Wire.SCALE_MAX, PowerRequestCodec.decode(host.nextRequest(), WireFormat.DPDK).unit);
  }

  @Test
  void noReplyWithinTheTimeoutIsNoReply() throws Exception {
    host(0, request -> null);
    PowerLibrary lib = library(config().build());
    lib.init(0);

    PowerResult r = lib.freqDown(0);

    assertEquals(PowerResult.Status.NO_REPLY, r.status());
    assertEquals("timeout after 200 ms", r.reason());
    assertTrue(r.isFailure());
  }

  @Test
  void aLateReplyBufferedBeforeTheNextRequestIsDropped() throws Exception {
    FakeKvmHost host = host(0, request -> null);
    PowerLibrary lib = library(config().build());
    lib.init(0);
    host.nextRequest();
    assertEquals(PowerResult.Status.NO_REPLY, lib.freqUp(0).status());
    byte[] late = host.nextRequest();

    host.send(FakeKvmHost.ackNack(late, true));
    host.respondWith(FakeKvmHost::nackScale);

    assertEquals(PowerResult.nack(), lib.freqDown(0));
  }

  @Test
  void aLateReplyArrivingJustBeforeTheRightOneIsSkipped() throws Exception {
    FakeKvmHost host = host(0, request -> null);
    PowerLibrary lib = library(config().build());
    lib.init(0);
    host.nextRequest();
    assertEquals(PowerResult.Status.NO_REPLY, lib.freqUp(0).status());
    byte[] late = host.nextRequest();
    // the host answers the timed-out request only when the next one comes, just before it
    host.respondWith(
        request -> {
          byte[] both = new byte[2 * Wire.REQUEST_SIZE];
          System.arraycopy(FakeKvmHost.ackNack(late, true), 0, both, 0, Wire.REQUEST_SIZE);
          System.arraycopy(
              FakeKvmHost.ackNack(request, false), 0, both, Wire.REQUEST_SIZE, Wire.REQUEST_SIZE);
          return both;
        });

    assertEquals(PowerResult.nack(), lib.freqDown(0));
  }

  @Test
  void aLateListReplyOfAnotherSizeDoesNotMisalignAnAck() throws Exception {
    FakeKvmHost host = host(0, request -> null);
    PowerLibrary lib = library(config().build());
    lib.init(0);
    host.nextRequest();
    assertEquals(QueryResult.Status.NO_REPLY, lib.queryFrequencies().status());
    byte[] lateQuery = host.nextRequest();
    host.respondWith(
        request -> {
          byte[] stale = FakeKvmHost.freqList(lateQuery, 2400000, 2400000);
          byte[] ack = FakeKvmHost.ackNack(request, true);
          byte[] both = new byte[stale.length + ack.length];
          System.arraycopy(stale, 0, both, 0, stale.length);
          System.arraycopy(ack, 0, both, stale.length, ack.length);
          return both;
        });

    assertEquals(PowerResult.ack(), lib.freqUp(0));
  }

  @Test
  void bytesTheHostWroteBeforeTheGuestAskedAreDropped() throws Exception {
    FakeKvmHost host = host(0, FakeKvmHost::ackScale);
    byte[] junk = new byte[100];
    junk[12] = 77;
    host.greetWith(junk);
    PowerLibrary lib = library(config().build());
    lib.init(0);

    assertEquals(PowerResult.ack(), lib.freqUp(0));
    assertEquals(PowerResult.ack(), lib.freqUp(0));
  }

  @Test
  void legacyModeSendsSixteenByteRequestsAndExpectsNoReply() throws Exception {
    FakeKvmHost host = host(1, WireFormat.LEGACY, request -> null);
    PowerLibrary lib = library(config().wireFormat(WireFormat.LEGACY).build());
    lib.init(1);

    assertEquals("0000000000000000" + "00000000" + "02000000", hex16(host.nextRequest()));
    PowerResult r = lib.freqUp(1);

    assertEquals(PowerResult.Status.NO_REPLY, r.status());
    assertEquals("legacy protocol has no replies", r.reason());
    assertFalse(r.isFailure(), "no reply is what the legacy protocol promises");
    byte[] up = host.nextRequest();
    assertEquals(16, up.length);
    assertEquals("0100000000000000" + "01000000" + "01000000", hex16(up));
    assertEquals(QueryResult.Status.NO_REPLY, lib.queryFrequency(1).status(), "no query in legacy");
  }

  @Test
  void aFrequencyQueryCarriesTheVmNameAndDecodesTheReply() throws Exception {
    FakeKvmHost host = host(0, request -> FakeKvmHost.freqList(request, 2400000));
    PowerLibrary lib = library(config().build());
    lib.init(0);
    host.nextRequest();

    QueryResult<VcpuFrequency> r = lib.queryFrequency(0);

    assertEquals(QueryResult.answered(List.of(new VcpuFrequency(0, 2400000))), r);
    PowerRequest sent = PowerRequestCodec.decode(host.nextRequest(), WireFormat.DPDK);
    assertEquals(Wire.QUERY_FREQ, sent.command);
    assertEquals(0, sent.resourceId);
    assertEquals("testvm", sent.vmName);
  }

  @Test
  void aSingleQueryReadsEntryZeroFromThisProjectsHostAndItsOwnEntryFromDpdks() throws Exception {
    FakeKvmHost host = host(3, request -> FakeKvmHost.freqList(request, 1800000));
    PowerLibrary lib = library(config().build());
    lib.init(3);
    host.nextRequest();

    assertEquals(List.of(new VcpuFrequency(3, 1800000)), lib.queryFrequency(3).entries());
    assertEquals(3, PowerRequestCodec.decode(host.nextRequest(), WireFormat.DPDK).resourceId);

    // DPDK's host: the entry at the vCPU's index, num_vcpu the VM's vCPU count, the rest
    // uninitialised (resource_id included)
    host.respondWith(request -> FakeKvmHost.dpdkFreqList(4, 3, 2600000));
    assertEquals(List.of(new VcpuFrequency(3, 2600000)), lib.queryFrequency(3).entries());
  }

  @Test
  void queriesAreAnsweredAsDpdk2211sHostWritesThem() throws Exception {
    // a 2-vCPU VM; vCPU 1 has neither turbo nor priority, so its entries are all zero and the
    // uninitialised entry 0 must not be taken for it
    FakeKvmHost host =
        host(
            1,
            request ->
                switch (FakeKvmHost.command(request)) {
                  case Wire.QUERY_FREQ -> FakeKvmHost.dpdkFreqList(2, 1, 1400000);
                  case Wire.QUERY_FREQ_LIST -> FakeKvmHost.dpdkFreqList(2, 0, 2600000, 1400000);
                  case Wire.QUERY_CAPS ->
                      FakeKvmHost.dpdkCapsList(2, 1, new boolean[] {false}, new boolean[] {false});
                  case Wire.QUERY_CAPS_LIST ->
                      FakeKvmHost.dpdkCapsList(
                          2, 0, new boolean[] {true, false}, new boolean[] {false, false});
                  default -> null;
                });
    PowerLibrary lib = library(config().build());
    lib.init(1);
    host.nextRequest();

    assertEquals(List.of(new VcpuFrequency(1, 1400000)), lib.queryFrequency(1).entries());
    assertEquals(List.of(new VcpuCapabilities(1, false, false)), lib.queryCaps(1).entries());
    assertEquals(
        List.of(new VcpuFrequency(0, 2600000), new VcpuFrequency(1, 1400000)),
        lib.queryFrequencies().entries());
    assertEquals(
        List.of(new VcpuCapabilities(0, true, false), new VcpuCapabilities(1, false, false)),
        lib.queryCapsAll().entries());
  }

  @Test
  void aListQueryReturnsEveryVcpuAndLeavesResourceIdZeroAsDpdkDoes() throws Exception {
    FakeKvmHost host = host(2, request -> FakeKvmHost.freqList(request, 2400000, 1800000, 1200000));
    PowerLibrary lib = library(config().build());
    lib.init(2);
    host.nextRequest();

    QueryResult<VcpuFrequency> r = lib.queryFrequencies();

    assertEquals(
        List.of(
            new VcpuFrequency(0, 2400000),
            new VcpuFrequency(1, 1800000),
            new VcpuFrequency(2, 1200000)),
        r.entries());
    PowerRequest sent = PowerRequestCodec.decode(host.nextRequest(), WireFormat.DPDK);
    assertEquals(Wire.QUERY_FREQ_LIST, sent.command);
    assertEquals(0, sent.resourceId);
  }

  @Test
  void capabilityQueriesDecodeOneAndAll() throws Exception {
    FakeKvmHost host =
        host(
            0,
            request ->
                switch (FakeKvmHost.command(request)) {
                  case Wire.QUERY_CAPS ->
                      FakeKvmHost.capsList(request, new boolean[] {true}, new boolean[] {false});
                  case Wire.QUERY_CAPS_LIST ->
                      FakeKvmHost.capsList(
                          request, new boolean[] {true, false}, new boolean[] {false, true});
                  default -> null; // a host never answers CONNECT
                });
    PowerLibrary lib = library(config().build());
    lib.init(0);
    host.nextRequest();

    assertEquals(List.of(new VcpuCapabilities(0, true, false)), lib.queryCaps(0).entries());
    assertEquals(Wire.QUERY_CAPS, FakeKvmHost.command(host.nextRequest()));
    assertEquals(
        List.of(new VcpuCapabilities(0, true, false), new VcpuCapabilities(1, false, true)),
        lib.queryCapsAll().entries());
    assertEquals(Wire.QUERY_CAPS_LIST, FakeKvmHost.command(host.nextRequest()));
  }

  @Test
  void anUnansweredQueryPointsAtSetQueryOnTheHost() throws Exception {
    host(0, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().build());
    lib.init(0);

    QueryResult<VcpuCapabilities> r = lib.queryCaps(0);

    assertEquals(QueryResult.Status.NO_REPLY, r.status());
    assertTrue(r.reason().startsWith("timeout after 200 ms"), r.reason());
    assertTrue(r.reason().contains("set_query testvm enable"), r.reason());
  }

  @Test
  void aNackedQueryFails() throws Exception {
    host(0, request -> FakeKvmHost.ackNack(request, false));
    PowerLibrary lib = library(config().build());
    lib.init(0);

    QueryResult<VcpuFrequency> r = lib.queryFrequency(0);

    assertEquals(QueryResult.Status.FAILED, r.status());
    assertTrue(r.reason().contains("NACK"), r.reason());
  }

  @Test
  void initWithNothingListeningFailsClearly() throws Exception {
    FakeKvmHost gone = host(0, FakeKvmHost::ackScale);
    gone.close(); // leaves no listener; recreate a dead socket file at the path
    java.nio.channels.ServerSocketChannel dead =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
    dead.bind(java.net.UnixDomainSocketAddress.of(KvmPorts.path(prefix(), 0)));
    dead.close();
    PowerLibrary lib = library(config().build());

    PowerLibraryException e = assertThrows(PowerLibraryException.class, () -> lib.init(0));

    assertTrue(e.getMessage().contains(KvmPorts.path(prefix(), 0).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("nothing is listening"), e.getMessage());
    assertEquals(CpuSet.empty(), lib.lcores());
  }

  @Test
  void initOfAnLcoreWithoutPortNamesThePortAndThoseThatExist() throws Exception {
    host(0, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().build());

    PowerLibraryException e = assertThrows(PowerLibraryException.class, () -> lib.init(5));

    assertTrue(
        e.getMessage().startsWith("no port " + KvmPorts.path(prefix(), 5) + " for lcore 5"),
        e.getMessage());
    assertTrue(e.getMessage().contains("ports exist for lcores 0"), e.getMessage());
  }

  @Test
  void initTwiceIsAnErrorAndExitClosesThePort() throws Exception {
    FakeKvmHost host = host(0, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().build());
    lib.init(0);

    IllegalStateException twice = assertThrows(IllegalStateException.class, () -> lib.init(0));
    assertTrue(twice.getMessage().contains("lcore 0 is already initialised"));

    lib.exit(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> host.guestHangUps() == 1);
    assertEquals(CpuSet.empty(), lib.lcores());
    IllegalStateException gone = assertThrows(IllegalStateException.class, () -> lib.freqUp(0));
    assertEquals("lcore 0 is not initialised (none is)", gone.getMessage());
    assertThrows(IllegalStateException.class, () -> lib.exit(0));

    lib.init(0);
    assertEquals(PowerResult.ack(), lib.freqUp(0));
  }

  @Test
  void aHostThatHangsUpIsReconnectedAtALaterRequest() throws Exception {
    FakeKvmHost host = host(0, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().build());
    lib.init(0);
    host.nextRequest();
    host.hangUp();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> lib.freqUp(0).status() == PowerResult.Status.ACK);

    List<Integer> commands = new ArrayList<>();
    for (byte[] r = host.pendingRequest(); r != null; r = host.pendingRequest()) {
      commands.add(FakeKvmHost.command(r));
    }
    assertEquals(Wire.CPU_POWER_CONNECT, commands.get(0), "a new CONNECT after the hang-up");
  }

  @Test
  void requestsForOneLcoreFromManyThreadsEachGetTheirOwnReply() throws Exception {
    FakeKvmHost host = host(0, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().replyTimeout(Duration.ofSeconds(5)).build());
    lib.init(0);
    host.nextRequest();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PowerResult>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ScaleOp op = i % 2 == 0 ? ScaleOp.UP : ScaleOp.DOWN;
        results.add(pool.submit(() -> lib.scale(0, op)));
      }
      for (Future<PowerResult> f : results) {
        assertEquals(PowerResult.ack(), f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < 40; i++) {
      assertEquals(Wire.CPU_POWER, FakeKvmHost.command(host.nextRequest()));
    }
    assertNull(host.pendingRequest());
  }

  @Test
  void theHostOnlyCallsAreRefusedInAVm() throws Exception {
    host(0, FakeKvmHost::ackScale);
    PowerLibrary lib = library(config().build());
    lib.init(0);

    assertThrows(UnsupportedOperationException.class, () -> lib.freqs(0));
    assertThrows(UnsupportedOperationException.class, () -> lib.currentFrequency(0));
  }
}
