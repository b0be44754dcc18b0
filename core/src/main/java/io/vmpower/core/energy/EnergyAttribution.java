package io.vmpower.core.energy;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.EnergyZone;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits the energy each CPU package counted among the VMs that were busy on it, by their vCPUs'
 * busy time weighted by the relative power of the frequency their pCPUs ran at (docs/energy.md,
 * "Per-VM attribution"). Each {@link #sample} takes one interval: what the packages counted in it,
 * each vCPU's cumulative busy time and pinning, and each pCPU's cumulative weight integral; per-VM
 * joules plus the unattributed ones add up to the packages' joules. Thread-safe.
 */
public final class EnergyAttribution {

  /** One vCPU's cumulative busy time and where it may run, at the sample. */
  public record Vcpu(String vm, int vcpu, long busyNanos, CpuSet pinning) {}

  /** Per-VM and unattributed joules so far. */
  public record Totals(Map<String, Double> vmJoules, Map<Integer, Double> unattributedJoules) {}

  private final List<EnergyZone> zones;
  private final Map<String, Long> lastBusy = new HashMap<>();
  private final Map<Integer, Double> lastWeight = new HashMap<>();
  private final Map<String, Double> vmJoules = new TreeMap<>();
  private final Map<Integer, Double> unattributed = new TreeMap<>();

  /** Over the zones of an {@link EnergyMeter}: the package zones are attributed. */
  public EnergyAttribution(List<EnergyZone> zones) {
    this.zones = List.copyOf(zones);
  }

  /**
   * Attributes one interval.
   *
   * @param zoneMicrojoules what each zone counted in the interval ({@link
   *     EnergyMeter#takePending()})
   * @param vcpus every vCPU of the VMs that run, with its cumulative busy time (a time below the
   *     last one means the VM restarted: the new time is the interval's)
   * @param weightIntegral each pCPU's cumulative ∫ w(f) dt in weight-nanoseconds
   */
  public synchronized void sample(
      long[] zoneMicrojoules,
      List<Vcpu> vcpus,
      java.util.function.IntToDoubleFunction weightIntegral) {
    // each pCPU's weight over the interval (weight-nanoseconds)
    Map<Integer, Double> cpuWeight = new HashMap<>();
    for (EnergyZone z : zones) {
      if (z.kind() != EnergyZone.Kind.PACKAGE) {
        continue;
      }
      z.cpus()
          .forEach(
              cpu -> {
                double now = weightIntegral.applyAsDouble(cpu);
                Double before = lastWeight.put(cpu, now);
                cpuWeight.put(cpu, before == null ? 0 : Math.max(0, now - before));
              });
    }
    // the interval's length per pCPU is the same for all: use mean weights via the integrals
    Map<Integer, Map<String, Double>> byPackage = new TreeMap<>();
    for (Vcpu v : vcpus) {
      String key = v.vm() + "#" + v.vcpu();
      Long before = lastBusy.put(key, v.busyNanos());
      long busy =
          before == null ? 0 : v.busyNanos() >= before ? v.busyNanos() - before : v.busyNanos();
      if (busy <= 0 || v.pinning().isEmpty()) {
        continue;
      }
      double share = (double) busy / v.pinning().size();
      v.pinning()
          .forEach(
              cpu -> {
                int pkg = packageOf(cpu);
                Double w = cpuWeight.get(cpu);
                if (pkg < 0 || w == null) {
                  return;
                }
                byPackage
                    .computeIfAbsent(pkg, k -> new TreeMap<>())
                    .merge(v.vm(), share * w, Double::sum);
              });
    }
    Map<Integer, Long> packageDelta = new TreeMap<>();
    for (int i = 0; i < zones.size(); i++) {
      EnergyZone z = zones.get(i);
      if (z.kind() == EnergyZone.Kind.PACKAGE && i < zoneMicrojoules.length) {
        packageDelta.merge(z.packageId(), zoneMicrojoules[i], Long::sum);
      }
    }
    packageDelta.forEach(
        (pkg, micro) -> {
          if (micro == 0) {
            return;
          }
          double joules = micro / 1e6;
          Map<String, Double> weights = byPackage.getOrDefault(pkg, Map.of());
          double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
          if (total <= 0) {
            unattributed.merge(pkg, joules, Double::sum);
            return;
          }
          weights.forEach((vm, w) -> vmJoules.merge(vm, joules * w / total, Double::sum));
        });
  }

  private int packageOf(int cpu) {
    for (EnergyZone z : zones) {
      if (z.kind() == EnergyZone.Kind.PACKAGE && z.cpus().contains(cpu)) {
        return z.packageId();
      }
    }
    return -1;
  }

  public synchronized Totals totals() {
    return new Totals(Map.copyOf(vmJoules), Map.copyOf(unattributed));
  }

  /** The VMs attributed so far, by name. */
  public synchronized List<String> vms() {
    return new ArrayList<>(vmJoules.keySet());
  }
}
