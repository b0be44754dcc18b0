package io.vmpower.cli.sim;

import java.util.List;
import java.util.Map;

/**
 * What one accelerated run measured. Series have one entry per sample interval, ending at {@code
 * timesSeconds[i]} (seconds since the start): each pCPU's time-weighted mean frequency (kHz), the
 * mean power (W) and energy (J) of the interval, the unserved and demanded work (core-seconds at
 * the highest non-turbo frequency), and each VM's mean load (%). Totals: energy per VM and idle
 * (unattributed), their sum, the host's energy counters' total (the same model, integrated by
 * hal-sim), demanded, served, served below full speed and unserved work, the guests' power requests
 * and their replies, and the frequency writes made.
 */
public record SimResult(
    SimRun.Strategy strategy,
    SimRun.Options options,
    long[] timesSeconds,
    double[][] cpuKhz,
    double[] powerWatts,
    double[] energyJoules,
    double[] unservedCoreSeconds,
    double[] demandCoreSeconds,
    List<String> vms,
    double[][] vmLoadPercent,
    Map<String, Double> vmJoules,
    double idleJoules,
    double hostCounterJoules,
    double demandTotal,
    double servedTotal,
    double slowedTotal,
    double unservedTotal,
    long requestsSent,
    long acks,
    long nacks,
    long frequencyWrites) {

  /** Energy drawn over the run, in joules (the VMs' plus idle). */
  public double totalJoules() {
    double sum = idleJoules;
    for (String vm : vms) {
      sum += vmJoules.get(vm);
    }
    return sum;
  }

  /** Unserved work as a share of the demanded work, in %. */
  public double unservedPercent() {
    return demandTotal <= 0 ? 0 : 100 * unservedTotal / demandTotal;
  }

  /** Replies the guests received to their power requests. */
  public long requestsAnswered() {
    return acks + nacks;
  }

  /** One line of figures, as the launcher prints them. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "%-12s energy %10.1f kJ (%7.2f Wh)  unserved demand %8.1f core-s (%5.2f %%)"
            + "  power requests answered %d/%d  frequency writes %d",
        strategy.word(),
        totalJoules() / 1000,
        totalJoules() / 3600,
        unservedTotal,
        unservedPercent(),
        requestsAnswered(),
        requestsSent,
        frequencyWrites);
  }
}
