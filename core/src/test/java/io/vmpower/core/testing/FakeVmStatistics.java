package io.vmpower.core.testing;

import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.InterfaceCounters;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmStatistics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VM counters in memory, integrated over a clock: each vCPU is busy a set share of the time, each
 * interface receives a set number of packets per second. The driver methods ({@link #load}, {@link
 * #packets}, {@link #stop}, {@link #failWith}) do what the world does by itself. Shared by the
 * tests of every module and by core's JMH benchmarks.
 */
public final class FakeVmStatistics implements VmStatistics {
  private final Clock clock;
  private final Map<String, Entry> vms = new HashMap<>();
  private String failure;
  private int reads;

  private static final class Entry {
    final long[] busyNanos;
    final double[] share;
    final long[] waitNanos;
    final double[] waitShare;
    final Map<MacAddress, long[]> rx = new LinkedHashMap<>(); // {packets, pps}
    long last;
    boolean running = true;

    Entry(int vcpus, long now) {
      busyNanos = new long[vcpus];
      share = new double[vcpus];
      waitNanos = new long[vcpus];
      waitShare = new double[vcpus];
      last = now;
    }

    void integrate(long now) {
      long dt = now - last;
      if (dt > 0 && running) {
        for (int v = 0; v < share.length; v++) {
          busyNanos[v] += (long) (dt * share[v]);
          waitNanos[v] += (long) (dt * waitShare[v]);
        }
        for (long[] r : rx.values()) {
          r[0] += r[1] * dt / 1_000_000_000L;
        }
      }
      last = now;
    }
  }

  public FakeVmStatistics(Clock clock) {
    this.clock = clock;
  }

  /** Adds {@code vm} with {@code vcpus} idle vCPUs, running. */
  public synchronized FakeVmStatistics vm(String vm, int vcpus) {
    vms.put(vm, new Entry(vcpus, clock.nanoTime()));
    return this;
  }

  /** vCPU {@code vcpu} of {@code vm} is busy {@code percent} % of the time from now on. */
  public synchronized void load(String vm, int vcpu, double percent) {
    Entry e = entry(vm);
    e.integrate(clock.nanoTime());
    e.share[vcpu] = percent / 100.0;
  }

  /**
   * vCPU {@code vcpu} of {@code vm} waits for a CPU {@code percent} % of the time from now on (the
   * host runs something else while it is ready to run).
   */
  public synchronized void waiting(String vm, int vcpu, double percent) {
    Entry e = entry(vm);
    e.integrate(clock.nanoTime());
    e.waitShare[vcpu] = percent / 100.0;
  }

  /**
   * The interface {@code mac} of {@code vm} receives {@code pps} packets per second from now on.
   */
  public synchronized void packets(String vm, MacAddress mac, long pps) {
    Entry e = entry(vm);
    e.integrate(clock.nanoTime());
    e.rx.computeIfAbsent(mac, k -> new long[2])[1] = pps;
  }

  /** The interface {@code mac} of {@code vm} is gone. */
  public synchronized void unplug(String vm, MacAddress mac) {
    entry(vm).rx.remove(mac);
  }

  /** The VM stops (it is no longer read) or starts again with its counters from zero. */
  public synchronized void running(String vm, boolean running) {
    Entry e = entry(vm);
    e.integrate(clock.nanoTime());
    if (running && !e.running) {
      java.util.Arrays.fill(e.busyNanos, 0);
      e.rx.values().forEach(r -> r[0] = 0);
    }
    e.running = running;
  }

  /** Every read fails with {@code reason} (null: reads work again). */
  public synchronized void failWith(String reason) {
    failure = reason;
  }

  public synchronized int reads() {
    return reads;
  }

  private Entry entry(String vm) {
    Entry e = vms.get(vm);
    if (e == null) {
      throw new IllegalArgumentException("no VM '" + vm + "' in this fake");
    }
    return e;
  }

  @Override
  public String description() {
    return "fake VM statistics";
  }

  @Override
  public synchronized Map<String, VmCounters> read(Collection<String> names)
      throws HypervisorException {
    reads++;
    if (failure != null) {
      throw new HypervisorException(failure);
    }
    long now = clock.nanoTime();
    Map<String, VmCounters> out = new HashMap<>();
    for (String name : names) {
      Entry e = vms.get(name);
      if (e == null || !e.running) {
        continue;
      }
      e.integrate(now);
      List<InterfaceCounters> ifs = new ArrayList<>(e.rx.size());
      for (Map.Entry<MacAddress, long[]> r : e.rx.entrySet()) {
        ifs.add(new InterfaceCounters(r.getKey(), "", r.getValue()[0], 0));
      }
      out.put(name, new VmCounters(name, now, e.busyNanos.clone(), e.waitNanos.clone(), ifs));
    }
    return out;
  }
}
