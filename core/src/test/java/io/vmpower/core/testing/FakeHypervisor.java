package io.vmpower.core.testing;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A hypervisor in memory: VMs with a state, a pinning per vCPU and the power channels of their
 * definition. The driver methods ({@link #start}, {@link #stop}, {@link #undefine}, {@link #repin},
 * {@link #loseConnection}) do what the real world does by itself and send the same events a real
 * backend sends, on the caller's thread.
 */
public final class FakeHypervisor implements Hypervisor {
  private final int hostCpus;
  private final Map<String, VmInfo> vms = new TreeMap<>();
  private final Map<String, DomainChannels> channels = new TreeMap<>();
  private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();
  private String lostReason;
  private int pinCalls;

  public FakeHypervisor(int hostCpus) {
    this.hostCpus = hostCpus;
  }

  /** Defines {@code name} with one vCPU per pinning given. */
  public FakeHypervisor define(String name, VmState state, CpuSet... pinning) {
    synchronized (this) {
      vms.put(name, new VmInfo(name, state, pinning.length, Arrays.asList(pinning)));
    }
    fire(new HypervisorEvent.VmChanged(name));
    return this;
  }

  /** Defines {@code name} with {@code vcpus} vCPUs, vCPU v pinned to pCPU v. */
  public FakeHypervisor defineOneToOne(String name, VmState state, int vcpus) {
    CpuSet[] pins = new CpuSet[vcpus];
    for (int v = 0; v < vcpus; v++) {
      pins[v] = CpuSet.of(v % hostCpus);
    }
    return define(name, state, pins);
  }

  /**
   * Gives {@code name}'s definition these power channels (no event: define or start it after, as
   * libvirt reports a changed definition).
   */
  public FakeHypervisor channels(String name, DomainChannels value) {
    synchronized (this) {
      channels.put(name, value);
    }
    return this;
  }

  /** Gives {@code name}'s definition these power channels, each number with its socket. */
  public FakeHypervisor channels(String name, Map<Integer, Path> sockets) {
    List<DomainChannel> list = new ArrayList<>();
    sockets.forEach((n, p) -> list.add(new DomainChannel(n, p)));
    return channels(name, new DomainChannels(list, List.of()));
  }

  /** The VM's definition is removed. */
  public void undefine(String name) {
    synchronized (this) {
      vms.remove(name);
      channels.remove(name);
    }
    fire(new HypervisorEvent.VmChanged(name));
  }

  /** The VM starts (QEMU runs again). */
  public void start(String name) {
    setState(name, VmState.RUNNING);
    fire(new HypervisorEvent.VmStarted(name));
  }

  /** The VM shuts down. */
  public void stop(String name) {
    setState(name, VmState.SHUT_OFF);
    fire(new HypervisorEvent.VmStopped(name));
  }

  /** Someone else re-pins a vCPU (e.g. {@code virsh vcpupin}). */
  public void repin(String name, int vcpu, CpuSet pcpus) {
    synchronized (this) {
      replacePin(name, vcpu, pcpus);
    }
    fire(new HypervisorEvent.PinningChanged(name));
  }

  /** The connection drops: every call fails until {@link #restoreConnection()}. */
  public void loseConnection(String reason) {
    synchronized (this) {
      lostReason = reason;
    }
    fire(new HypervisorEvent.ConnectionLost(reason));
  }

  public void restoreConnection() {
    synchronized (this) {
      lostReason = null;
    }
    fire(new HypervisorEvent.ConnectionRestored());
  }

  /** How many times {@link #pin} succeeded. */
  public synchronized int pinCalls() {
    return pinCalls;
  }

  private synchronized void setState(String name, VmState state) {
    VmInfo v = vms.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no VM '" + name + "' in this fake");
    }
    vms.put(name, new VmInfo(name, state, v.vcpuCount(), v.pinning()));
  }

  private void replacePin(String name, int vcpu, CpuSet pcpus) {
    VmInfo v = vms.get(name);
    List<CpuSet> pins = new ArrayList<>(v.pinning());
    pins.set(vcpu, pcpus);
    vms.put(name, new VmInfo(name, v.state(), v.vcpuCount(), pins));
  }

  private void fire(HypervisorEvent event) {
    for (Consumer<HypervisorEvent> l : listeners) {
      l.accept(event);
    }
  }

  private void checkConnected() throws HypervisorException {
    if (lostReason != null) {
      throw new HypervisorException("connection lost: " + lostReason);
    }
  }

  @Override
  public String description() {
    return "fake hypervisor (" + hostCpus + " CPUs)";
  }

  @Override
  public synchronized Optional<VmInfo> lookup(String name) throws HypervisorException {
    checkConnected();
    return Optional.ofNullable(vms.get(name));
  }

  @Override
  public synchronized List<String> vmNames() throws HypervisorException {
    checkConnected();
    return new ArrayList<>(vms.keySet());
  }

  @Override
  public void pin(String vm, int vcpu, CpuSet pcpus) throws HypervisorException {
    synchronized (this) {
      checkConnected();
      VmInfo v = vms.get(vm);
      if (v == null) {
        throw new HypervisorException(
            "Domain not found: no domain with matching name '" + vm + "'");
      }
      if (vcpu < 0 || vcpu >= v.vcpuCount()) {
        throw new HypervisorException("vCPU " + vcpu + " of '" + vm + "' does not exist");
      }
      if (pcpus.isEmpty() || pcpus.last() >= hostCpus) {
        throw new HypervisorException("invalid pCPU set " + pcpus + " for a host of " + hostCpus);
      }
      replacePin(vm, vcpu, pcpus);
      pinCalls++;
    }
    fire(new HypervisorEvent.PinningChanged(vm));
  }

  @Override
  public synchronized Optional<DomainChannels> powerChannels(String name)
      throws HypervisorException {
    checkConnected();
    if (!vms.containsKey(name)) {
      return Optional.empty();
    }
    return Optional.of(channels.getOrDefault(name, DomainChannels.NONE));
  }

  @Override
  public synchronized int hostCpuCount() throws HypervisorException {
    checkConnected();
    return hostCpus;
  }

  @Override
  public void addListener(Consumer<HypervisorEvent> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    listeners.clear();
  }
}
