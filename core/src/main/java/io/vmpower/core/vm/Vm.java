package io.vmpower.core.vm;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmInterface;
import io.vmpower.core.hal.VmState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A VM the host manages: what the hypervisor last said of it (state, vCPUs, pinning, interfaces,
 * refreshed on its events), whether it may query, the operator's frequency cap, and its channels by
 * number.
 */
public final class Vm {
  private final String name;
  private volatile VmState state;
  private volatile CpuSet[] pinning;
  private volatile List<VmInterface> interfaces = List.of();
  private volatile boolean queryEnabled;
  private volatile long capKhz;
  private volatile CpuSet policyHeld = CpuSet.empty();
  private final Map<Integer, Channel> channels = new ConcurrentSkipListMap<>();

  public Vm(VmInfo info) {
    this.name = info.name();
    update(info);
  }

  public String name() {
    return name;
  }

  public VmState state() {
    return state;
  }

  public int vcpuCount() {
    return pinning.length;
  }

  /** The pCPUs vCPU {@code vcpu} may run on; the caller checks the range. Allocation-free. */
  public CpuSet pinning(int vcpu) {
    return pinning[vcpu];
  }

  public List<CpuSet> pinning() {
    return List.of(pinning);
  }

  /** The VM's network interfaces, as its definition names them. */
  public List<VmInterface> interfaces() {
    return interfaces;
  }

  /** The interface with {@code mac}, or null when the VM has none. */
  public VmInterface interfaceOf(MacAddress mac) {
    for (VmInterface i : interfaces) {
      if (i.mac().equals(mac)) {
        return i;
      }
    }
    return null;
  }

  /** The operator's cap on the frequency this VM may ask for, in kHz; 0 when there is none. */
  public long capKhz() {
    return capKhz;
  }

  public void capKhz(long khz) {
    if (khz < 0) {
      throw new IllegalArgumentException("a cap is a positive frequency in kHz, got " + khz);
    }
    this.capKhz = khz;
  }

  /**
   * Whether the VM's policy holds vCPU {@code vcpu}, refusing the guest's own requests for it (a
   * policy set with {@code guests=deny}). Allocation-free.
   */
  public boolean policyHolds(int vcpu) {
    return policyHeld.contains(vcpu);
  }

  /** The vCPUs the VM's policy holds (see {@link #policyHolds}); empty when none. */
  public void policyHeld(CpuSet vcpus) {
    this.policyHeld = vcpus == null ? CpuSet.empty() : vcpus;
  }

  /** Takes the hypervisor's view: state, vCPU count, pinning and interfaces. */
  public void update(VmInfo info) {
    if (!info.name().equals(name)) {
      throw new IllegalArgumentException(
          "info of '" + info.name() + "' given to VM '" + name + "'");
    }
    this.pinning = info.pinning().toArray(new CpuSet[0]);
    this.interfaces = info.interfaces();
    this.state = info.state();
  }

  public void state(VmState s) {
    this.state = s;
  }

  public boolean queryEnabled() {
    return queryEnabled;
  }

  public void queryEnabled(boolean enabled) {
    this.queryEnabled = enabled;
  }

  public Map<Integer, Channel> channels() {
    return channels;
  }

  public Channel channel(int n) {
    return channels.get(n);
  }

  /** Adds channel {@code n} at {@code path}; fails if it exists. */
  public Channel addChannel(int n, Path path) {
    Channel c = new Channel(this, n, path);
    if (channels.putIfAbsent(n, c) != null) {
      throw new IllegalArgumentException("VM '" + name + "' already has channel " + n);
    }
    return c;
  }

  public Channel removeChannel(int n) {
    return channels.remove(n);
  }

  @Override
  public String toString() {
    return name;
  }
}
