package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorEvent.ConnectionLost;
import io.vmpower.core.hal.HypervisorEvent.ConnectionRestored;
import io.vmpower.core.hal.HypervisorEvent.PinningChanged;
import io.vmpower.core.hal.HypervisorEvent.VmChanged;
import io.vmpower.core.hal.HypervisorEvent.VmStarted;
import io.vmpower.core.hal.HypervisorEvent.VmStarting;
import io.vmpower.core.hal.HypervisorEvent.VmStopped;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedHypervisorTest {
  @TempDir Path dir;
  SimulatedHost host;
  SimulatedHypervisor hv;
  final List<HypervisorEvent> events = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    host = new SimulatedHost(Scenario.defaultScenario(), dir);
    hv = new SimulatedHypervisor(host);
    hv.addListener(
        e -> {
          events.add(e);
          threads.add(Thread.currentThread());
        });
  }

  @AfterEach
  void tearDown() {
    hv.close();
    host.close();
  }

  @Test
  void describesVms() throws HypervisorException {
    assertEquals("simulated hypervisor", hv.description());
    assertEquals(List.of("vm1", "vm2", "vm3"), hv.vmNames());
    assertEquals(8, hv.hostCpuCount());
    assertEquals(
        Optional.of(new VmInfo("vm1", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3)))),
        hv.lookup("vm1"));
    assertEquals(
        Optional.of(
            new VmInfo(
                "vm3", VmState.SHUT_OFF, 2, List.of(CpuSet.range(0, 7), CpuSet.range(0, 7)))),
        hv.lookup("vm3"));
    assertEquals(Optional.empty(), hv.lookup("nope"));
  }

  @Test
  void pinChecksAndFiresPinningChanged() throws HypervisorException {
    hv.pin("vm1", 1, CpuSet.of(5, 6));
    host.awaitEvents();
    assertEquals(List.of(new PinningChanged("vm1")), events);
    assertEquals(CpuSet.of(5, 6), hv.lookup("vm1").orElseThrow().pinning().get(1));
    assertNotEquals(Thread.currentThread(), threads.get(0));
    assertTrue(threads.get(0).isDaemon());

    assertEquals(
        "vCPU 7 does not exist (VM 'vm1' has 2 vCPUs)",
        assertThrows(HypervisorException.class, () -> hv.pin("vm1", 7, CpuSet.of(1))).getMessage());
    assertEquals(
        "pCPU 12 does not exist (host has 8)",
        assertThrows(HypervisorException.class, () -> hv.pin("vm1", 0, CpuSet.of(1, 12)))
            .getMessage());
    assertEquals(
        "VM 'vm9' does not exist (known: vm1, vm2, vm3)",
        assertThrows(HypervisorException.class, () -> hv.pin("vm9", 0, CpuSet.of(1))).getMessage());
    assertEquals(
        "cannot pin vCPU 0 of VM 'vm1' to no pCPU; give at least one",
        assertThrows(HypervisorException.class, () -> hv.pin("vm1", 0, CpuSet.empty()))
            .getMessage());
    host.awaitEvents();
    assertEquals(1, events.size());
  }

  @Test
  void driverMethodsFireTheirEventsBeforeReturning() {
    host.repin("vm2", 3, CpuSet.of(0));
    assertEquals(List.of(new PinningChanged("vm2")), events);
    assertEquals(CpuSet.of(0), host.pinning("vm2", 3));
    host.stopVm("vm1");
    assertEquals(new VmStopped("vm1"), last());
    assertEquals(VmState.SHUT_OFF, host.vmState("vm1"));
    host.startVm("vm3");
    assertEquals(new VmStarted("vm3"), last());
    assertEquals(new VmStarting("vm3"), events.get(events.size() - 2));
    host.defineVm("vm4", 1, 0);
    assertEquals(new VmChanged("vm4"), last());
    assertEquals(VmState.SHUT_OFF, host.vmState("vm4"));
    assertEquals(5, events.size());
    assertEquals(
        "vCPU 2 does not exist (VM 'vm1' has 2 vCPUs)",
        assertThrows(IllegalArgumentException.class, () -> host.repin("vm1", 2, CpuSet.of(0)))
            .getMessage());
    assertThrows(IllegalStateException.class, () -> host.startVm("vm3"));
    assertThrows(IllegalStateException.class, () -> host.stopVm("vm1"));
    assertEquals(
        "VM 'vm4' is already defined",
        assertThrows(IllegalArgumentException.class, () -> host.defineVm("vm4", 1)).getMessage());
    assertEquals(
        "defineVm: vm.vcpus: 0 is out of range; use 1-4096",
        assertThrows(IllegalArgumentException.class, () -> host.defineVm("vm5", 0)).getMessage());
  }

  @Test
  void theDefinitionNamesEachChannelWithItsSocket() throws HypervisorException {
    assertEquals(
        Optional.of(
            new DomainChannels(
                List.of(
                    new DomainChannel(0, dir.resolve("vm1.0")),
                    new DomainChannel(1, dir.resolve("vm1.1"))),
                List.of())),
        hv.powerChannels("vm1"));
    assertEquals(Optional.of(DomainChannels.NONE), hv.powerChannels("vm3"), "vm3 has none");
    assertEquals(Optional.empty(), hv.powerChannels("vm9"));
    host.defineVm(
        new Scenario.Vm(
            "vm5", "shut_off", 1, null, List.of(0, 1), null, null, null, false, null, null));
    assertEquals(
        Optional.of(DomainChannels.NONE),
        hv.powerChannels("vm5"),
        "xmlChannels: false: only the {vm}.{n} sockets exist");
    host.hypervisorUnreachable(true);
    assertThrows(HypervisorException.class, () -> hv.powerChannels("vm1"));
  }

  @Test
  void undefiningAVmForgetsItAndItsChannels() throws HypervisorException {
    assertEquals(
        "VM 'vm1' is running: stop it before undefining it",
        assertThrows(IllegalStateException.class, () -> host.undefineVm("vm1")).getMessage());
    host.undefineVm("vm3");
    assertEquals(List.of(new VmChanged("vm3")), events);
    assertEquals(List.of("vm1", "vm2"), hv.vmNames());
    assertEquals(Optional.empty(), hv.lookup("vm3"));
    host.stopVm("vm1");
    host.undefineVm("vm1");
    assertEquals(Optional.empty(), hv.powerChannels("vm1"));
    host.defineVm("vm1", 1, 0);
    assertEquals(
        Optional.of(
            new DomainChannels(List.of(new DomainChannel(0, dir.resolve("vm1.0"))), List.of())),
        hv.powerChannels("vm1"),
        "a VM defined again under the name has the channels of its new definition");
  }

  @Test
  void definingARunningVmStartsIt() {
    host.defineVm(
        new Scenario.Vm("vm5", "running", 2, List.of("0", "1"), List.of(0), null, null, null));
    assertEquals(
        List.of(new VmStarting("vm5"), new VmChanged("vm5"), new VmStarted("vm5")), events);
    assertEquals(CpuSet.of(1), host.pinning("vm5", 1));
  }

  @Test
  void aStartIsAnnouncedBeforeTheVmRunsAndWaitedFor() {
    List<VmState> seenAtAnnouncement = new CopyOnWriteArrayList<>();
    hv.addListener(
        e -> {
          if (e instanceof VmStarting s) {
            seenAtAnnouncement.add(host.vmState(s.vm()));
          }
        });
    host.startVm("vm3");
    // startVm waited for the announcement's listeners, which saw the VM still shut off
    assertEquals(List.of(VmState.SHUT_OFF), seenAtAnnouncement);
    assertEquals(VmState.RUNNING, host.vmState("vm3"));
  }

  @Test
  void aListenerMayCallBackIntoTheHypervisorAndTheHost() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    hv.addListener(
        e -> {
          try {
            if (e instanceof PinningChanged p) {
              seen.add(hv.lookup(p.vm()).orElseThrow().pinning().get(0));
              hv.pin("vm2", 0, CpuSet.of(1)); // a nested event, queued behind this one
            }
            if (e instanceof VmStopped s) {
              host.startVm(s.vm()); // a driver method from the event thread does not wait
              seen.add(host.vmState(s.vm()));
            }
          } catch (HypervisorException ex) {
            seen.add(ex);
          }
        });
    host.repin("vm1", 0, CpuSet.of(6));
    host.awaitEvents();
    assertEquals(CpuSet.of(6), seen.get(0));
    assertEquals(CpuSet.of(1), host.pinning("vm2", 0));
    host.stopVm("vm1");
    host.awaitEvents();
    assertTrue(seen.contains(VmState.RUNNING), seen.toString());
    assertEquals(VmState.RUNNING, host.vmState("vm1"));
  }

  @Test
  void unreachableHypervisorFailsCallsAndReportsTheOutage() {
    host.hypervisorUnreachable(true);
    assertEquals(List.of(new ConnectionLost("simulated hypervisor unreachable")), events);
    assertEquals(
        "simulated hypervisor unreachable",
        assertThrows(HypervisorException.class, () -> hv.lookup("vm1")).getMessage());
    assertThrows(HypervisorException.class, hv::vmNames);
    assertThrows(HypervisorException.class, hv::hostCpuCount);
    assertThrows(HypervisorException.class, () -> hv.pin("vm1", 0, CpuSet.of(1)));
    host.repin("vm1", 0, CpuSet.of(7)); // the world goes on; the event is lost
    host.hypervisorUnreachable(true); // already: nothing
    host.hypervisorUnreachable(false);
    assertEquals(
        List.of(new ConnectionLost("simulated hypervisor unreachable"), new ConnectionRestored()),
        events);
    assertEquals(CpuSet.of(7), assertDoesNotThrowLookup().pinning().get(0));
  }

  @Test
  void closedConnectionGetsNoMoreEvents() {
    hv.close();
    host.repin("vm1", 0, CpuSet.of(1));
    assertEquals(List.of(), events);
    assertThrows(HypervisorException.class, () -> hv.lookup("vm1"));
  }

  private VmInfo assertDoesNotThrowLookup() {
    try {
      return hv.lookup("vm1").orElseThrow();
    } catch (HypervisorException e) {
      throw new AssertionError(e);
    }
  }

  private HypervisorEvent last() {
    return events.get(events.size() - 1);
  }
}
