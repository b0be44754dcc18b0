package io.vmpower.core.power;

import io.vmpower.core.hal.FrequencyTable;

/**
 * The relative power a busy CPU draws at each frequency of its table, for weighing busy time in the
 * per-VM energy attribution (docs/energy.md): {@code w(f) = s + (1 - s) * (f / f_nominal)^3}, 1 at
 * the nominal (highest non-turbo) frequency, with {@code s} the static share of a busy CPU's power,
 * 0.74 W of 3.5 W in the model the simulated host uses (Cloud Carbon Footprint's per-vCPU
 * coefficients), and the cube law of CMOS dynamic power.
 */
public final class PowerWeight {
  /** The static share of a busy CPU's power: 0.74 W idle of 3.5 W busy. */
  public static final double STATIC_SHARE = 0.74 / 3.5;

  private PowerWeight() {}

  /** w(f) of {@code khz} for a CPU whose nominal frequency is {@code nominalKhz}. */
  public static double at(long khz, long nominalKhz) {
    double r = (double) khz / nominalKhz;
    return STATIC_SHARE + (1 - STATIC_SHARE) * r * r * r;
  }

  /** w(f) of every entry of {@code table}, by index. */
  public static double[] of(FrequencyTable table) {
    long nominal = table.hasTurbo() && table.size() > 1 ? table.get(1) : table.get(0);
    double[] out = new double[table.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = at(table.get(i), nominal);
    }
    return out;
  }
}
