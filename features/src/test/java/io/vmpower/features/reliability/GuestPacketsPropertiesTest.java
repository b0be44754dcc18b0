package io.vmpower.features.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vmpower.cli.HostApp;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedGuestPort;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * The security property of the channel protocol: whatever 464 bytes a guest sends on its channel
 * (every field random: command, unit, resource_id anywhere in u64, core_type physical, another VM's
 * vm_name, and the rest), only the pCPUs its own vCPUs are pinned to may change, and only the pCPUs
 * of the vCPU it named; the reply is an ACK or NACK echoing the request, a FREQ_LIST or CAPS_LIST
 * about its own VM, or nothing; and exactly one outcome counter moves per request.
 */
class GuestPacketsPropertiesTest {
  private Path dir;
  private SimulatedHost sim;
  private HostApp app;
  private ChannelMonitor monitor;
  private Vm vm1;
  private Channel channel;
  private Channel other;
  private SimulatedGuestPort guest;

  @BeforeProperty
  void startHost() throws Exception {
    dir = Files.createTempDirectory("vmpower-guest-props-");
    sim = new SimulatedHost(Scenario.defaultScenario(), dir);
    StringWriter sink = new StringWriter();
    app =
        new HostApp(
                HostConfig.defaults(dir),
                new SimulatedHalModule(sim),
                new PrintWriter(sink, true),
                new PrintWriter(sink, true))
            .start();
    for (String line : List.of("add_vm vm1", "add_channels vm1 all", "add_vm vm2")) {
      assertEquals(0, app.execute(line), sink::toString);
    }
    assertEquals(0, app.execute("add_channels vm2 all"), sink::toString);
    // vCPU 1 of vm1 may run on pCPUs 1 and 3: a pinning of more than one pCPU
    sim.repin("vm1", 1, CpuSet.of(1, 3));
    VmRegistry registry = app.injector().getInstance(VmRegistry.class);
    vm1 = registry.find("vm1").orElseThrow();
    assertEquals(CpuSet.of(1, 3), vm1.pinning(1), "the host followed the re-pin");
    channel = vm1.channel(0);
    other = registry.find("vm2").orElseThrow().channel(0);
    monitor = app.injector().getInstance(ChannelMonitor.class);
    guest = sim.guestPort("vm1", 0);
  }

  @AfterProperty
  void stopHost() throws IOException {
    app.shutdown();
    sim.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 1000)
  void aGuestScalesOnlyItsOwnPinnedCpusWhateverItSends(
      @ForAll("packets") byte[] packet, @ForAll boolean queriesEnabled) throws Exception {
    vm1.queryEnabled(queriesEnabled);
    ByteBuffer request = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
    long resource = request.getLong(Wire.OFF_RESOURCE_ID);
    int command = request.getInt(Wire.OFF_COMMAND);
    long[] statsBefore = counters(channel.stats());
    long otherBefore = other.stats().get(Counter.REQUESTS);
    List<String> cpusBefore = cpus();

    guest.write(packet);
    served(statsBefore[Counter.REQUESTS.ordinal()] + 1);
    byte[] reply = guest.readNow();

    // counters: one more request, exactly one outcome, nothing else on other channels
    long[] statsAfter = counters(channel.stats());
    Counter outcome = onlyOutcomeMoved(statsBefore, statsAfter);
    assertEquals(channel.stats().get(Counter.REQUESTS), channel.stats().outcomes());
    assertEquals(0, channel.stats().get(Counter.REPLIES_DROPPED));
    assertEquals(otherBefore, other.stats().get(Counter.REQUESTS));
    Statistics.collect(outcome);
    Statistics.coverage(
        c -> {
          c.check(Counter.ACKED).percentage(p -> p > 3);
          c.check(Counter.ANSWERED).percentage(p -> p > 0.5);
          c.check(Counter.NACK_PHYSICAL_CORE).percentage(p -> p > 1);
          c.check(Counter.NACK_UNKNOWN_VCPU).percentage(p -> p > 1);
        });

    // CPUs: only those of the named vCPU of this VM, and only on an ACK
    List<String> cpusAfter = cpus();
    CpuSet changed = changed(cpusBefore, cpusAfter);
    if (!changed.isEmpty()) {
      assertEquals(Counter.ACKED, outcome, "CPUs " + changed + " changed without an ACK");
      assertTrue(resource >= 0 && resource < vm1.vcpuCount(), "resource " + resource);
      assertTrue(
          vm1.pinning((int) resource).containsAll(changed),
          "vCPU " + resource + " is on " + vm1.pinning((int) resource) + ", yet " + changed);
    }

    // the reply
    switch (reply.length) {
      case 0 ->
          assertTrue(
              outcome == Counter.CONNECTS
                  || outcome == Counter.REFUSED_QUERY_DISABLED
                  || outcome == Counter.REFUSED_QUERY_BAD_VCPU,
              "no reply for " + outcome);
      case Wire.REQUEST_SIZE -> {
        int kind = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt(Wire.OFF_COMMAND);
        byte[] echo = packet.clone();
        ByteBuffer.wrap(echo).order(ByteOrder.LITTLE_ENDIAN).putInt(Wire.OFF_COMMAND, kind);
        assertArrayEquals(echo, reply, "an ACK or NACK echoes the request");
        if (kind == Wire.ACK) {
          assertEquals(Counter.ACKED, outcome);
          assertEquals(Wire.CPU_POWER, command);
          assertEquals(0, packet[Wire.OFF_CORE_TYPE], "core_type physical is never ACKed");
        } else {
          assertEquals(Wire.NACK, kind, "ACK or NACK");
          assertTrue(outcome.isNack(), "a NACK counted as " + outcome);
        }
      }
      case Wire.FREQ_LIST_SIZE, Wire.CAPS_LIST_SIZE -> {
        assertEquals(Counter.ANSWERED, outcome);
        assertTrue(queriesEnabled, "answered while queries are disabled");
        ReplyCodec.Reply r = ReplyCodec.decode(reply);
        assertEquals(
            reply.length == Wire.FREQ_LIST_SIZE ? Wire.FREQ_LIST : Wire.CAPS_LIST, r.command());
        assertEquals("vm1", r.vmName(), "a query answers about the channel's own VM only");
      }
      default -> fail("a reply of " + reply.length + " bytes: " + Arrays.toString(reply));
    }
  }

  /** Waits until the monitor has served {@code requests} requests on the channel. */
  private void served(long requests) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (channel.stats().get(Counter.REQUESTS) < requests) {
      if (System.nanoTime() > deadline) {
        fail("the monitor did not serve the request within 10 s");
      }
      monitor.call(() -> null);
    }
    monitor.call(() -> null); // the turn that served it is over: its reply is written
  }

  private static long[] counters(ChannelStats stats) {
    Counter[] all = Counter.values();
    long[] out = new long[all.length];
    for (Counter c : all) {
      out[c.ordinal()] = stats.get(c);
    }
    return out;
  }

  private static Counter onlyOutcomeMoved(long[] before, long[] after) {
    Counter moved = null;
    for (Counter c : Counter.values()) {
      long delta = after[c.ordinal()] - before[c.ordinal()];
      if (c.isRequestOutcome() && delta != 0) {
        assertEquals(1, delta, c + " moved by " + delta);
        assertEquals(null, moved, "both " + moved + " and " + c + " moved");
        moved = c;
      }
    }
    assertEquals(1, after[Counter.REQUESTS.ordinal()] - before[Counter.REQUESTS.ordinal()]);
    assertTrue(moved != null, "no outcome counted");
    return moved;
  }

  private List<String> cpus() {
    List<String> out = new ArrayList<>();
    for (int c = 0; c < sim.cpuCount(); c++) {
      out.add(sim.frequencyIndex(c) + (sim.turboEnabled(c) ? "T" : "t"));
    }
    return out;
  }

  private static CpuSet changed(List<String> before, List<String> after) {
    java.util.BitSet b = new java.util.BitSet();
    for (int c = 0; c < before.size(); c++) {
      if (!before.get(c).equals(after.get(c))) {
        b.set(c);
      }
    }
    return CpuSet.fromBitSet(b);
  }

  // ---- every field random, with the values that matter made likely

  @Provide
  Arbitrary<byte[]> packets() {
    Arbitrary<byte[]> base =
        Arbitraries.oneOf(
            Arbitraries.just(new byte[Wire.REQUEST_SIZE]),
            Arbitraries.bytes().array(byte[].class).ofSize(Wire.REQUEST_SIZE));
    Arbitrary<Integer> command =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of(Wire.CPU_POWER)),
            Tuple.of(6, Arbitraries.integers().between(0, 12)),
            Tuple.of(1, Arbitraries.integers()));
    Arbitrary<Integer> unit =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.integers().between(0, 7)), Tuple.of(1, Arbitraries.integers()));
    Arbitrary<Long> resource =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.longs().between(0, 3)),
            Tuple.of(
                2,
                Arbitraries.of(
                    -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, (1L << 32) + 1, 255L, 256L)),
            Tuple.of(1, Arbitraries.longs()));
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.of("vm1", "vm2", "vm3", "", "vm2\u0000vm1"),
            Arbitraries.strings().ascii().ofMaxLength(32));
    Arbitrary<Byte> coreType =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just((byte) 0)),
            Tuple.of(2, Arbitraries.just((byte) 1)),
            Tuple.of(1, Arbitraries.bytes()));
    Arbitrary<Boolean> keepBaseName = Arbitraries.of(true, false);
    return Combinators.combine(base, command, unit, resource, name, coreType, keepBaseName)
        .as(
            (b, c, u, r, n, t, keep) -> {
              byte[] p = b.clone();
              ByteBuffer buf = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
              buf.putLong(Wire.OFF_RESOURCE_ID, r);
              buf.putInt(Wire.OFF_UNIT, u);
              buf.putInt(Wire.OFF_COMMAND, c);
              if (!keep) {
                byte[] bytes = n.getBytes(StandardCharsets.US_ASCII);
                Arrays.fill(p, Wire.OFF_VM_NAME, Wire.OFF_VM_NAME + Wire.VM_NAME_SIZE, (byte) 0);
                System.arraycopy(
                    bytes, 0, p, Wire.OFF_VM_NAME, Math.min(bytes.length, Wire.VM_NAME_SIZE));
              }
              p[Wire.OFF_CORE_TYPE] = t;
              return p;
            });
  }
}
