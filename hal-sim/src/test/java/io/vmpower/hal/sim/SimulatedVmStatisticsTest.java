package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmInterface;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the simulated host measures of its VMs: vCPU busy time and packets, over its clock. */
class SimulatedVmStatisticsTest {
  static final String SCENARIO =
      """
      host:
        cpus: 4
        frequencies: [2601000, 2600000, 1950000, 1300000]
        initialKhz: 2600000
      vms:
        - name: web
          vcpus: 2
          pinning: ["1", "2"]
          load: [50, 10]
          interfaces:
            - mac: "52:54:00:00:01:01"
              rxPps: 1000
            - mac: "52:54:00:00:01:02"
              device: tap7
        - name: idle
          state: shut_off
          vcpus: 1
          load: [30]
      """;

  static final MacAddress MAC1 = MacAddress.parse("52:54:00:00:01:01");
  static final MacAddress MAC2 = MacAddress.parse("52:54:00:00:01:02");

  @TempDir Path dir;
  SimulatedHost host;
  SimulatedVmStatistics stats;
  SimulatedCpuFrequencies cpus;

  @BeforeEach
  void setUp() {
    host = new SimulatedHost(ScenarioLoader.parse(SCENARIO, ScenarioLoader.Format.YAML, "t"), dir);
    stats = new SimulatedVmStatistics(host);
    cpus = new SimulatedCpuFrequencies(host);
  }

  @AfterEach
  void tearDown() {
    host.close();
  }

  private VmCounters read(String vm) throws HypervisorException {
    return stats.read(List.of(vm)).get(vm);
  }

  @Test
  void onAClockThatRunsOnTheCountersAreThoseOfTheInstantTheyAreStampedWith() throws Exception {
    host.close();
    host =
        new SimulatedHost(
            ScenarioLoader.parse(SCENARIO, ScenarioLoader.Format.YAML, "t"),
            dir,
            SimulatedClock.followingRealTime());
    stats = new SimulatedVmStatistics(host);
    long start = host.clock().nanoTime();
    VmCounters first = read("web");
    for (int i = 0; i < 50; i++) {
      Thread.sleep(1);
      VmCounters c = read("web");
      double seconds = (c.atNanos() - first.atNanos()) / 1e9;
      long packets = c.find(MAC1).rxPackets() - first.find(MAC1).rxPackets();
      assertEquals(1000 * seconds, packets, 1.0, "1000 packets/s over " + seconds + " s");
      assertEquals(0.5e9 * seconds, c.vcpuTimeNanos()[0] - first.vcpuTimeNanos()[0], 2.0);
    }
    assertTrue(first.atNanos() >= start);
  }

  @Test
  void busyTimeIsTheLoadIntegratedOverTheClock() throws Exception {
    host.advance(Duration.ofSeconds(10));
    VmCounters c = read("web");
    assertEquals(5_000_000_000L, c.vcpuTimeNanos()[0], "50 % of 10 s");
    assertEquals(1_000_000_000L, c.vcpuTimeNanos()[1], "10 % of 10 s");
    assertEquals(host.clock().nanoTime(), c.atNanos());
  }

  @Test
  void aSlowerPcpuMakesTheSameWorkBusier() throws Exception {
    cpus.setIndex(1, 3); // 1300000 kHz: half of the nominal 2600000
    host.advance(Duration.ofSeconds(10));
    assertEquals(10_000_000_000L, read("web").vcpuTimeNanos()[0], "50 % at half speed: 100 %");
    cpus.setIndex(1, 0); // turbo: slightly less busy than at nominal
    host.advance(Duration.ofSeconds(10));
    long delta = read("web").vcpuTimeNanos()[0] - 10_000_000_000L;
    assertTrue(delta < 5_000_000_000L && delta > 4_990_000_000L, "at turbo: " + delta);
  }

  @Test
  void loadAndPacketRatesChangeFromNowOn() throws Exception {
    host.advance(Duration.ofSeconds(2));
    host.load("web", 1, 100);
    host.packetRate("web", MAC2, 250);
    host.advance(Duration.ofSeconds(2));
    VmCounters c = read("web");
    assertEquals(200_000_000L + 2_000_000_000L, c.vcpuTimeNanos()[1]);
    assertEquals(4000, c.find(MAC1).rxPackets(), "1000/s for 4 s");
    assertEquals(500, c.find(MAC2).rxPackets(), "250/s for 2 s");
    assertEquals("tap7", c.find(MAC2).device());
    assertEquals(4000 * SimulatedInterface.PACKET_BYTES, c.find(MAC1).rxBytes());
    assertEquals(500, host.rxPackets("web", MAC2));
    assertEquals(2_200_000_000L, host.vcpuTimeNanos("web", 1));
  }

  @Test
  void interfacesAreInTheVmInfoWithTheirDeviceWhileRunning() throws Exception {
    VmInfo web = new SimulatedHypervisor(host).lookup("web").orElseThrow();
    assertEquals(
        List.of(new VmInterface(MAC1, "vnet0"), new VmInterface(MAC2, "tap7")), web.interfaces());
    host.stopVm("web");
    VmInfo stopped = new SimulatedHypervisor(host).lookup("web").orElseThrow();
    assertEquals(
        List.of(new VmInterface(MAC1, ""), new VmInterface(MAC2, "")), stopped.interfaces());
  }

  @Test
  void onlyRunningVmsAreReadAndARestartStartsTheCountersAgain() throws Exception {
    host.advance(Duration.ofSeconds(1));
    assertEquals(Set.of("web"), stats.read(List.of("web", "idle", "nosuch")).keySet());
    host.stopVm("web");
    host.advance(Duration.ofSeconds(5));
    assertTrue(stats.read(List.of("web")).isEmpty(), "a stopped VM has no counters");
    host.startVm("web");
    host.advance(Duration.ofSeconds(1));
    assertEquals(500_000_000L, read("web").vcpuTimeNanos()[0], "from zero at the start");
    assertEquals(1000, read("web").find(MAC1).rxPackets());
  }

  @Test
  void hotUnplugRemovesTheInterfaceAndPlugAddsOne() throws Exception {
    host.unplugInterface("web", MAC1);
    assertEquals(null, read("web").find(MAC1));
    MacAddress mac3 = MacAddress.parse("52:54:00:00:01:03");
    host.plugInterface("web", mac3, null);
    assertEquals("vnet1", read("web").find(mac3).device());
    assertThrows(
        IllegalArgumentException.class, () -> host.plugInterface("idle", MAC2, null), "MAC in use");
    assertThrows(IllegalArgumentException.class, () -> host.packetRate("web", MAC1, 5));
  }

  @Test
  void aLostHypervisorCannotBeRead() {
    host.hypervisorUnreachable(true);
    HypervisorException e =
        assertThrows(HypervisorException.class, () -> stats.read(List.of("web")));
    assertEquals("simulated hypervisor unreachable", e.getMessage());
  }

  @Test
  void badLoadsAndInterfacesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> host.load("web", 2, 10));
    assertThrows(IllegalArgumentException.class, () -> host.load("web", 0, 101));
    assertThrows(IllegalArgumentException.class, () -> host.packetRate("web", MAC1, -1));
    String twice = SCENARIO.replace("52:54:00:00:01:02", "52:54:00:00:01:01");
    ScenarioException e =
        assertThrows(
            ScenarioException.class,
            () ->
                new SimulatedHost(
                    ScenarioLoader.parse(twice, ScenarioLoader.Format.YAML, "t"), dir));
    assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    String badLoad = SCENARIO.replace("load: [50, 10]", "load: [50, 10, 3]");
    e =
        assertThrows(
            ScenarioException.class,
            () -> ScenarioLoader.parse(badLoad, ScenarioLoader.Format.YAML, "t"));
    assertTrue(e.getMessage().contains("vms[0].load: 3 entries for 2 vCPUs"), e.getMessage());
  }

  @Test
  void aRepinMovesTheLoadToTheNewPcpu() throws Exception {
    cpus.setIndex(3, 3); // pCPU 3 at half speed
    host.repin("web", 0, CpuSet.of(3));
    host.advance(Duration.ofSeconds(2));
    assertEquals(2_000_000_000L, read("web").vcpuTimeNanos()[0], "50 % at half speed");
  }

  @Test
  void aThreadParkedOnTheManualClockWakesWhenItIsAdvanced() throws Exception {
    SimulatedClock clock = host.clock();
    long deadline = clock.nanoTime() + Duration.ofSeconds(1).toNanos();
    AtomicBoolean woke = new AtomicBoolean();
    Thread t =
        new Thread(
            () -> {
              while (clock.nanoTime() < deadline) {
                clock.parkUntil(deadline);
              }
              woke.set(true);
            });
    t.start();
    host.advance(Duration.ofMillis(500));
    assertFalse(woke.get());
    host.advance(Duration.ofMillis(500));
    t.join(5000);
    assertTrue(woke.get(), "woke when the clock reached the deadline");
    Map<String, VmCounters> none = stats.read(List.of());
    assertTrue(none.isEmpty());
  }
}
