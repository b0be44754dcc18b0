package io.vmpower.hal.linux.libvirt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmInterface;
import io.vmpower.core.hal.VmState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What libvirt's test driver gives of VM statistics, read through the backend: it answers {@code
 * virDomainGetVcpus} and {@code virDomainInterfaceStats} with values that grow with real time
 * (about 10,000 packets/s), but its bulk statistics carry no vCPU or interface groups, so the
 * backend falls back to the per-VM calls. The bulk call's parsing is tested on hand-built
 * parameters.
 */
class LibvirtVmStatisticsTest {
  static final MacAddress MAC1 = MacAddress.parse("52:54:00:00:01:01");
  static final MacAddress MAC2 = MacAddress.parse("52:54:00:00:01:02");

  @TempDir Path dir;
  LibvirtHypervisor hypervisor;
  LibvirtVmStatistics stats;

  @BeforeEach
  void open() throws HypervisorException {
    LibvirtTestNode node = LibvirtTestNode.withHostCpus(4);
    node.vm("web").vcpus(2).iface(MAC1.toString()).iface(MAC2.toString());
    node.vm("off").vcpus(1).iface("52:54:00:00:02:01").state(VmState.SHUT_OFF);
    hypervisor = new LibvirtHypervisor(node.write(dir), false);
    stats = hypervisor.statistics();
  }

  @AfterEach
  void close() {
    hypervisor.close();
  }

  @Test
  void theVmInfoNamesEachInterfaceWithItsDeviceWhileRunning() throws Exception {
    VmInfo web = hypervisor.lookup("web").orElseThrow();
    assertEquals(
        List.of(new VmInterface(MAC1, "testnet0"), new VmInterface(MAC2, "testnet1")),
        web.interfaces());
    VmInfo off = hypervisor.lookup("off").orElseThrow();
    assertEquals(1, off.interfaces().size());
    assertEquals(MacAddress.parse("52:54:00:00:02:01"), off.interfaces().get(0).mac());
  }

  @Test
  void perVmCallsGiveEachVcpuTimeAndEachInterfacePackets() throws Exception {
    VmCounters first = stats.read(List.of("web")).get("web");
    assertEquals(2, first.vcpuCount());
    assertTrue(first.vcpuTimeNanos()[0] > 0 && first.vcpuTimeNanos()[1] > 0);
    assertEquals("testnet0", first.find(MAC1).device());
    assertTrue(first.find(MAC1).rxPackets() > 0);
    assertTrue(first.find(MAC2).rxPackets() > 0);
    assertEquals(Boolean.FALSE, stats.bulk(), "the test driver's bulk call has no vCPU times");
    assertTrue(stats.description().contains("per-VM"), stats.description());
    // the test driver's packet counters grow with real time
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                stats.read(List.of("web")).get("web").find(MAC1).rxPackets()
                    > first.find(MAC1).rxPackets());
  }

  @Test
  void vmsThatDoNotRunOrDoNotExistAreAbsent() throws Exception {
    Map<String, VmCounters> read = stats.read(List.of("web", "off", "nosuch"));
    assertEquals(Set.of("web"), read.keySet());
    assertTrue(stats.read(List.of()).isEmpty());
  }

  @Test
  void theBulkCallListsTheRunningDomains() {
    LibvirtConnect connect = hypervisorConnect();
    Map<String, Map<String, Object>> bulk = LibvirtDomainStats.read(connect);
    assertEquals(Set.of("web"), bulk.keySet());
    assertFalse(bulk.get("web").containsKey("vcpu.current"), "the test driver sends no vCPU group");
  }

  @Test
  void aClosedConnectionFails() {
    hypervisor.close();
    HypervisorException e =
        assertThrows(HypervisorException.class, () -> stats.read(List.of("web")));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void eventsMakeItReadTheDevicesAgain() throws Exception {
    stats.read(List.of("web"));
    stats.forget(new HypervisorEvent.ConnectionRestored());
    assertEquals(null, stats.bulk(), "decided again after a reconnection");
    assertEquals(Set.of("web"), stats.read(List.of("web")).keySet());
  }

  @Test
  void typedParametersAreReadByType() {
    int stride = LibvirtTunableCallback.stride();
    Memory params = new Memory(6L * stride);
    params.clear();
    Memory text = new Memory(16);
    text.setString(0, "vnet3", "UTF-8");
    put(params, 0, stride, "vcpu.current", LibvirtNative.PARAM_UINT, 2);
    put(params, 1, stride, "vcpu.0.time", LibvirtNative.PARAM_ULLONG, 123_456_789_012L);
    put(params, 2, stride, "vcpu.0.state", LibvirtNative.PARAM_INT, -1 & 0xFFFF_FFFFL);
    put(
        params,
        3,
        stride,
        "net.0.name",
        LibvirtNative.PARAM_STRING,
        com.sun.jna.Pointer.nativeValue(text));
    put(params, 4, stride, "x.ratio", LibvirtNative.PARAM_DOUBLE, Double.doubleToLongBits(0.25));
    put(params, 5, stride, "x.on", LibvirtNative.PARAM_BOOLEAN, 1);

    Map<String, Object> m = LibvirtTypedParams.read(params, 6);

    assertEquals(2L, m.get("vcpu.current"));
    assertEquals(123_456_789_012L, m.get("vcpu.0.time"));
    assertEquals(-1L, m.get("vcpu.0.state"));
    assertEquals("vnet3", m.get("net.0.name"));
    assertEquals(0.25, m.get("x.ratio"));
    assertEquals(true, m.get("x.on"));
  }

  @Test
  void aBulkRecordGivesTimesDelaysAndTheNamedDevicesPackets() throws Exception {
    Map<String, Object> rec = new java.util.HashMap<>();
    rec.put("vcpu.current", 2L);
    rec.put("vcpu.0.time", 5_000L);
    rec.put("vcpu.0.delay", 700L);
    rec.put("vcpu.1.time", 9_000L);
    rec.put("vcpu.1.wait", 30L); // an older libvirt: wait, no delay
    rec.put("net.count", 2L);
    rec.put("net.0.name", "vnet3");
    rec.put("net.0.rx.pkts", 1234L);
    rec.put("net.0.rx.bytes", 99L);
    rec.put("net.1.name", "vnet9"); // not in the XML: left out
    VmCounters c =
        LibvirtVmStatistics.fromBulk(
            "web", rec, 42L, device -> device.equals("vnet3") ? MAC1 : null);
    assertEquals(42L, c.atNanos());
    assertEquals(List.of(5_000L, 9_000L), List.of(c.vcpuTimeNanos()[0], c.vcpuTimeNanos()[1]));
    assertEquals(List.of(700L, 30L), List.of(c.vcpuWaitNanos()[0], c.vcpuWaitNanos()[1]));
    assertEquals(1, c.interfaces().size());
    assertEquals(1234L, c.find(MAC1).rxPackets());
    assertEquals("vnet3", c.find(MAC1).device());
  }

  private static void put(Memory m, int i, int stride, String name, int type, long value) {
    long at = (long) i * stride;
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    m.write(at, b, 0, b.length);
    m.setByte(at + b.length, (byte) 0);
    LibvirtNative.TypedParameter p = new LibvirtNative.TypedParameter(m.share(at));
    p.type = type;
    p.value = value;
    p.writeField("type");
    p.writeField("value");
  }

  private LibvirtConnect hypervisorConnect() {
    try {
      return hypervisor.call("test", connect -> connect);
    } catch (HypervisorException e) {
      throw new IllegalStateException(e);
    }
  }
}
