package io.vmpower.hal.linux.libvirt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorEvent.PinningChanged;
import io.vmpower.core.hal.HypervisorEvent.VmChanged;
import io.vmpower.core.hal.HypervisorEvent.VmStarted;
import io.vmpower.core.hal.HypervisorEvent.VmStopped;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** Against the real libvirt library and its test driver, one node.xml per test. */
class LibvirtHypervisorTest {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final List<LibvirtHypervisor> opened = new ArrayList<>();
  private final List<HypervisorEvent> events = new CopyOnWriteArrayList<>();
  private final RecordingConnector connector = new RecordingConnector();

  @AfterEach
  void closeEverything() {
    opened.forEach(LibvirtHypervisor::close);
  }

  private LibvirtTestNode standardNode() {
    LibvirtTestNode node = LibvirtTestNode.withHostCpus(8);
    node.vm("vm1").vcpus(2).pin(0, "2").pin(1, "3-4");
    node.vm("off1").vcpus(3).pin(0, "0-3,^2").pin(2, "7").state(VmState.SHUT_OFF);
    return node;
  }

  private LibvirtHypervisor open(String uri, boolean readOnly) throws HypervisorException {
    LibvirtHypervisor hypervisor =
        new LibvirtHypervisor(
            uri,
            readOnly,
            connector,
            new LibvirtBackoff(Duration.ofMillis(5), Duration.ofMillis(40)));
    opened.add(hypervisor);
    hypervisor.addListener(events::add);
    return hypervisor;
  }

  private LibvirtHypervisor open(LibvirtTestNode node) throws HypervisorException {
    return open(node.write(dir), false);
  }

  @Test
  void readsTheLivePinningOfARunningVm() throws Exception {
    VmInfo vm1 = open(standardNode()).lookup("vm1").orElseThrow();
    assertEquals(
        new VmInfo("vm1", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3, 4))), vm1);
    assertTrue(vm1.active());
  }

  @Test
  void repinsAndReadsBack() throws Exception {
    LibvirtHypervisor hypervisor = open(standardNode());
    hypervisor.pin("vm1", 1, CpuSet.of(0, 5, 7));
    assertEquals(
        List.of(CpuSet.of(2), CpuSet.of(0, 5, 7)),
        hypervisor.lookup("vm1").orElseThrow().pinning());
    hypervisor.pin("vm1", 1, CpuSet.of(6));
    assertEquals(
        List.of(CpuSet.of(2), CpuSet.of(6)), hypervisor.lookup("vm1").orElseThrow().pinning());
  }

  @Test
  void readsTheXmlPinningOfAShutOffVm() throws Exception {
    VmInfo off1 = open(standardNode()).lookup("off1").orElseThrow();
    assertEquals(
        new VmInfo(
            "off1",
            VmState.SHUT_OFF,
            3,
            List.of(CpuSet.of(0, 1, 3), CpuSet.range(0, 7), CpuSet.of(7))),
        off1);
    assertFalse(off1.active());
  }

  @Test
  void aShutOffVmsUnpinnedVcpusFollowItsDefaultPlacementAndCurrentCount() throws Exception {
    LibvirtTestNode node = LibvirtTestNode.withHostCpus(8);
    node.vm("off2")
        .vcpus(4)
        .currentVcpus(2)
        .placement("4-7,^5")
        .pin(0, "1")
        .state(VmState.SHUT_OFF);
    VmInfo off2 = open(node).lookup("off2").orElseThrow();
    assertEquals(
        new VmInfo("off2", VmState.SHUT_OFF, 2, List.of(CpuSet.of(1), CpuSet.of(4, 6, 7))), off2);
  }

  @Test
  void readsAPausedVmLive() throws Exception {
    LibvirtTestNode node = LibvirtTestNode.withHostCpus(4);
    node.vm("paused1").vcpus(1).pin(0, "3").state(VmState.PAUSED);
    assertEquals(
        new VmInfo("paused1", VmState.PAUSED, 1, List.of(CpuSet.of(3))),
        open(node).lookup("paused1").orElseThrow());
  }

  @Test
  void aMissingVmIsEmpty() throws Exception {
    assertEquals(Optional.empty(), open(standardNode()).lookup("nope"));
  }

  @Test
  void listsRunningAndDefinedVms() throws Exception {
    assertEquals(List.of("off1", "vm1"), open(standardNode()).vmNames());
  }

  @Test
  void countsHostCpusAndPinsBeyond64() throws Exception {
    LibvirtTestNode node = LibvirtTestNode.withHostCpus(128);
    node.vm("big").vcpus(2).pin(0, "0").pin(1, "127");
    LibvirtHypervisor hypervisor = open(node);
    assertEquals(128, hypervisor.hostCpuCount());
    assertEquals(
        List.of(CpuSet.of(0), CpuSet.of(127)), hypervisor.lookup("big").orElseThrow().pinning());
    hypervisor.pin("big", 0, CpuSet.of(64, 100));
    assertEquals(
        List.of(CpuSet.of(64, 100), CpuSet.of(127)),
        hypervisor.lookup("big").orElseThrow().pinning());
  }

  @Test
  void aReadOnlyConnectionRefusesToPinAndSaysWhy() throws Exception {
    LibvirtHypervisor hypervisor = open(standardNode().write(dir), true);
    HypervisorException e =
        assertThrows(HypervisorException.class, () -> hypervisor.pin("vm1", 0, CpuSet.of(1)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot pin vCPU 0 of VM 'vm1' to pCPUs [1]: the libvirt connection to test://"),
        e.getMessage());
    assertTrue(e.getMessage().contains("is read-only"), e.getMessage());
    assertEquals(
        List.of(CpuSet.of(2), CpuSet.of(3, 4)), hypervisor.lookup("vm1").orElseThrow().pinning());
  }

  @Test
  void invalidVcpusAndPcpusAreRefusedWithTheDocumentedMessagesAndChangeNothing() throws Exception {
    LibvirtHypervisor hypervisor = open(standardNode());
    assertEquals(
        "vCPU 7 does not exist (VM 'vm1' has 2)",
        assertThrows(HypervisorException.class, () -> hypervisor.pin("vm1", 7, CpuSet.of(1)))
            .getMessage());
    assertEquals(
        "vCPU -1 does not exist (VM 'vm1' has 2)",
        assertThrows(HypervisorException.class, () -> hypervisor.pin("vm1", -1, CpuSet.of(1)))
            .getMessage());
    assertEquals(
        "pCPU 12 does not exist (host has 8)",
        assertThrows(HypervisorException.class, () -> hypervisor.pin("vm1", 0, CpuSet.of(1, 12)))
            .getMessage());
    assertEquals(
        "VM 'nope' does not exist",
        assertThrows(HypervisorException.class, () -> hypervisor.pin("nope", 0, CpuSet.of(1)))
            .getMessage());
    assertEquals(
        "VM 'off1' is not running: only a running VM's vCPUs can be pinned",
        assertThrows(HypervisorException.class, () -> hypervisor.pin("off1", 0, CpuSet.of(1)))
            .getMessage());
    assertEquals(
        "cannot pin vCPU 0 of VM 'vm1' to pCPUs []: name at least one pCPU",
        assertThrows(HypervisorException.class, () -> hypervisor.pin("vm1", 0, CpuSet.empty()))
            .getMessage());
    assertEquals(
        List.of(CpuSet.of(2), CpuSet.of(3, 4)), hypervisor.lookup("vm1").orElseThrow().pinning());

    // events arrive in order on one thread: the only PinningChanged is this pin's
    hypervisor.pin("vm1", 0, CpuSet.of(5));
    await().atMost(EVENT_WAIT).until(() -> events.contains(new PinningChanged("vm1")));
    assertEquals(List.of(new PinningChanged("vm1")), events);
  }

  @Test
  void pinningFiresPinningChangedOnTheBackendsThread() throws Exception {
    LibvirtHypervisor hypervisor = open(standardNode());
    List<String> threads = new CopyOnWriteArrayList<>();
    hypervisor.addListener(e -> threads.add(Thread.currentThread().getName()));
    hypervisor.pin("vm1", 0, CpuSet.of(1));
    await().atMost(EVENT_WAIT).until(() -> events.contains(new PinningChanged("vm1")));
    assertEquals(List.of("vmpower-libvirt-dispatch"), threads);
  }

  @Test
  void lifecycleChangesOnTheSameConnectionFireEvents() throws Exception {
    open(standardNode());
    LibvirtConnect connect = connector.last();
    Domain vm1 = connect.domainLookupByName("vm1");
    vm1.destroy();
    await().atMost(EVENT_WAIT).until(() -> events.contains(new VmStopped("vm1")));
    vm1.create();
    await().atMost(EVENT_WAIT).until(() -> events.contains(new VmStarted("vm1")));
    connect.domainLookupByName("off1").undefine();
    await().atMost(EVENT_WAIT).until(() -> events.contains(new VmChanged("off1")));
    assertEquals(
        List.of(new VmStopped("vm1"), new VmStarted("vm1"), new VmChanged("off1")), events);
  }

  @Test
  void readsThePowerChannelsOfADomainAndOfOneDefinedLater() throws Exception {
    LibvirtTestNode node = standardNode();
    node.vm("ch1")
        .vcpus(1)
        .powerChannel(0, dir.resolve("ch/ch1.0"))
        .powerChannel(1, dir.resolve("ch/ch1.1"))
        .device(
            "<channel type='unix'><source mode='bind' path='/tmp/p/ch1.x'/>"
                + "<target type='virtio' name='virtio.serial.port.poweragent.x'/></channel>");
    LibvirtHypervisor hypervisor = open(node);

    DomainChannels ch1 = hypervisor.powerChannels("ch1").orElseThrow();
    assertEquals(
        List.of(
            new DomainChannel(0, dir.resolve("ch/ch1.0")),
            new DomainChannel(1, dir.resolve("ch/ch1.1"))),
        ch1.channels());
    assertEquals(1, ch1.problems().size(), ch1.problems().toString());
    assertEquals(Optional.of(DomainChannels.NONE), hypervisor.powerChannels("vm1"));
    assertEquals(Optional.empty(), hypervisor.powerChannels("nosuch"));

    LibvirtTestNode later = LibvirtTestNode.withHostCpus(8);
    later.vm("late").vcpus(1).powerChannel(3, dir.resolve("ch/late.3"));
    String xml = later.xml();
    connector.last().domainDefineXML(xml.substring(xml.indexOf("<domain"), xml.indexOf("</node>")));
    await().atMost(EVENT_WAIT).until(() -> events.contains(new VmChanged("late")));
    assertEquals(
        List.of(new DomainChannel(3, dir.resolve("ch/late.3"))),
        hypervisor.powerChannels("late").orElseThrow().channels());
  }

  @Test
  void describesLibraryUriAndHypervisor() throws Exception {
    String uri = standardNode().write(dir);
    String description = open(uri, true).description();
    assertTrue(
        description.matches(
            "libvirt \\d+\\.\\d+\\.\\d+ at \\Q" + uri + "\\E \\(TEST \\d+\\.\\d+\\.\\d+\\)"),
        description);
  }

  @Test
  void aFailedFirstConnectionNamesTheUriAndLibvirtsMessage() {
    String uri = LibvirtTestNode.uri(dir.resolve("missing.xml"));
    HypervisorException e = assertThrows(HypervisorException.class, () -> open(uri, false));
    assertTrue(
        e.getMessage().startsWith("cannot connect to libvirt at " + uri + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("missing.xml"), e.getMessage());
  }

  @Test
  void aLostConnectionFailsCallsPromptlyThenReconnectsAndResubscribes() throws Exception {
    LibvirtHypervisor hypervisor = open(standardNode());
    connector.refuse = true;
    connector.last().close(); // the connection dies under the hypervisor

    HypervisorException e = assertThrows(HypervisorException.class, () -> hypervisor.lookup("vm1"));
    assertTrue(e.getMessage().startsWith("libvirt connection to test://"), e.getMessage());
    assertTrue(e.getMessage().contains(" lost: invalid connection pointer"), e.getMessage());
    assertTrue(e.getMessage().contains("; reconnecting"), e.getMessage());
    await()
        .atMost(EVENT_WAIT)
        .until(() -> events.stream().anyMatch(HypervisorEvent.ConnectionLost.class::isInstance));

    // while libvirt stays unreachable, attempts go on and every call fails at once
    int attempts = connector.attempts();
    await().atMost(EVENT_WAIT).until(() -> connector.attempts() >= attempts + 2);
    HypervisorException again = assertThrows(HypervisorException.class, hypervisor::vmNames);
    assertTrue(
        again.getMessage().contains("(last attempt: cannot connect to libvirt"),
        again.getMessage());
    assertTrue(hypervisor.description().endsWith("(not connected)"), hypervisor.description());

    connector.refuse = false;
    await()
        .atMost(EVENT_WAIT)
        .until(() -> events.contains(new HypervisorEvent.ConnectionRestored()));
    assertEquals(CpuSet.of(2), hypervisor.lookup("vm1").orElseThrow().pinning().get(0));

    // events come from the new connection
    connector.last().domainLookupByName("vm1").destroy();
    await().atMost(EVENT_WAIT).until(() -> events.contains(new VmStopped("vm1")));
  }

  @Test
  void closingStopsEverythingAndLaterCallsSaySo() throws Exception {
    LibvirtHypervisor first = open(standardNode());
    LibvirtHypervisor second = open(standardNode());
    assertTrue(eventThreadRunning());
    first.close();
    assertTrue(eventThreadRunning(), "the second hypervisor still needs libvirt's event loop");
    second.close();
    assertFalse(eventThreadRunning());
    assertFalse(threadRunning("vmpower-libvirt-dispatch"));
    HypervisorException e = assertThrows(HypervisorException.class, () -> first.lookup("vm1"));
    assertTrue(e.getMessage().endsWith(" is closed"), e.getMessage());
    first.close(); // twice is harmless
  }

  private static boolean eventThreadRunning() {
    return threadRunning(LibvirtRuntime.THREAD_NAME);
  }

  private static boolean threadRunning(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals(name));
  }

  /** Opens real test-driver connections, remembers them, and can be told to fail. */
  private final class RecordingConnector implements LibvirtConnector {
    volatile boolean refuse;
    private final List<LibvirtConnect> connections = new CopyOnWriteArrayList<>();
    private volatile int attempts;

    @Override
    public LibvirtConnect open(String uri, boolean readOnly) throws LibvirtException {
      attempts++;
      String target = refuse ? LibvirtTestNode.uri(dir.resolve("unreachable.xml")) : uri;
      LibvirtConnect connect = new LibvirtConnect(target, readOnly);
      connections.add(connect);
      return connect;
    }

    int attempts() {
      return attempts;
    }

    LibvirtConnect last() {
      return connections.get(connections.size() - 1);
    }
  }
}
