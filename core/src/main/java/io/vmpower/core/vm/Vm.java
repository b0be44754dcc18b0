package io.vmpower.core.vm;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A VM the host manages: what the hypervisor last said of it (state, vCPUs, pinning, refreshed on
 * its events), whether it may query, and its channels by number.
 */
public final class Vm {
  private final String name;
  private volatile VmState state;
  private volatile CpuSet[] pinning;
  private volatile boolean queryEnabled;
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

  /** Takes the hypervisor's view: state, vCPU count and pinning. */
  public void update(VmInfo info) {
    if (!info.name().equals(name)) {
      throw new IllegalArgumentException(
          "info of '" + info.name() + "' given to VM '" + name + "'");
    }
    this.pinning = info.pinning().toArray(new CpuSet[0]);
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
