package io.vmpower.hal.sim;

import java.util.List;

/**
 * How much power each simulated CPU draws, busy and idle, at each frequency of its table: the
 * energy model the simulated host integrates over its clock (and that reports, issue 15, may reuse
 * to compare policies).
 *
 * <p>Per CPU, at frequency {@code f} and a busy fraction {@code u} (0 idle, 1 busy all the time):
 *
 * <pre>
 *   P(f, u)    = (1 - u) * idle(f) + u * busy(f)
 *   busy(f)    = idle + (busyWatts - idle) * (f / fNominal)^exponent
 *   idle(f)    = idleWatts
 * </pre>
 *
 * where {@code fNominal} is the CPU's highest non-turbo frequency. The defaults come from the Cloud
 * Carbon Footprint methodology's per-vCPU coefficients for AWS (0.74 W at idle, 3.5 W at full load;
 * averages of SPECpower_ssj2008 results), taken here as one CPU at idle and busy at its nominal
 * frequency; the cube law is the usual CMOS rule (dynamic power C·V²·f with the voltage following
 * the frequency). A scenario may replace the parameters, or give exact watts for some frequencies
 * ({@code energy.steps}), which then win over the curve. The turbo bucket of an acpi-cpufreq table
 * (nominal + 1 MHz) is taken at its own kHz: as a real turbo is faster, give it a step to make it
 * cost more.
 */
public final class SimulatedEnergyModel {
  /** Cloud Carbon Footprint, AWS average per vCPU at idle (W). */
  public static final double DEFAULT_IDLE_WATTS = 0.74;

  /** Cloud Carbon Footprint, AWS average per vCPU at full load (W). */
  public static final double DEFAULT_BUSY_WATTS = 3.5;

  public static final double DEFAULT_EXPONENT = 3;

  private final double[][] busy;
  private final double[][] idle;
  private final long[][] khz;

  SimulatedEnergyModel(List<ScenarioResolver.CpuPlan> cpus, ScenarioResolver.EnergyPlan plan) {
    int n = cpus.size();
    busy = new double[n][];
    idle = new double[n][];
    khz = new long[n][];
    for (int c = 0; c < n; c++) {
      long[] table = cpus.get(c).table().toArray();
      boolean turbo = cpus.get(c).table().hasTurbo() && table.length > 1;
      double nominal = turbo ? table[1] : table[0];
      khz[c] = table;
      busy[c] = new double[table.length];
      idle[c] = new double[table.length];
      for (int i = 0; i < table.length; i++) {
        ScenarioResolver.EnergyStepPlan step = plan.steps().get(table[i]);
        double curve =
            plan.idleWatts()
                + (plan.busyWatts() - plan.idleWatts())
                    * Math.pow(table[i] / nominal, plan.exponent());
        busy[c][i] = step != null ? step.busyWatts() : curve;
        idle[c][i] = step != null && step.idleWatts() != null ? step.idleWatts() : plan.idleWatts();
      }
    }
  }

  /** The number of CPUs the model covers. */
  public int cpuCount() {
    return busy.length;
  }

  /** Watts {@code cpu} draws while busy at table index {@code index}. */
  public double busyWatts(int cpu, int index) {
    return busy[cpu][index];
  }

  /** Watts {@code cpu} draws while idle at table index {@code index}. */
  public double idleWatts(int cpu, int index) {
    return idle[cpu][index];
  }

  /** Watts {@code cpu} draws at {@code index}, busy a fraction {@code busy} (0-1) of the time. */
  public double watts(int cpu, int index, double busyFraction) {
    double u = Math.max(0, Math.min(1, busyFraction));
    return (1 - u) * idle[cpu][index] + u * busy[cpu][index];
  }

  /** The frequency in kHz of {@code cpu}'s table entry {@code index}. */
  public long khz(int cpu, int index) {
    return khz[cpu][index];
  }
}
