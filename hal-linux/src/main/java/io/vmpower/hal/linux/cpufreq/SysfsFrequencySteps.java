package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.util.Arrays;

/**
 * Builds the table of drivers that have no list of frequencies (intel_pstate, amd-pstate,
 * cppc_cpufreq): 100 MHz steps down from the highest non-turbo frequency, the lowest frequency
 * always last even when it is off the 100 MHz grid, and the turbo bucket on top when there is one.
 */
final class SysfsFrequencySteps {
  /** The bus step of the reference implementation, in kHz. */
  static final long STEP_KHZ = 100_000;

  /** More entries than this means the files hold nonsense (5 GHz is 50 steps). */
  static final int MAX_ENTRIES = 512;

  private SysfsFrequencySteps() {}

  /**
   * @param turboKhz the turbo bucket (index 0), or -1 for none; must be above {@code highKhz}
   * @param highKhz the highest non-turbo frequency
   * @param lowKhz the lowest frequency
   */
  static FrequencyTable table(int cpu, long turboKhz, long highKhz, long lowKhz)
      throws FrequencyException {
    if (lowKhz <= 0 || highKhz < lowKhz) {
      throw new FrequencyException(
          cpu,
          "CPU "
              + cpu
              + ": no frequency range from "
              + lowKhz
              + " to "
              + highKhz
              + " kHz: the lowest must be positive and not above the highest");
    }
    boolean turbo = turboKhz > highKhz;
    long steps = (highKhz - lowKhz + STEP_KHZ - 1) / STEP_KHZ + 1;
    if (steps + (turbo ? 1 : 0) > MAX_ENTRIES) {
      throw new FrequencyException(
          cpu,
          "CPU "
              + cpu
              + ": range "
              + lowKhz
              + "-"
              + highKhz
              + " kHz gives more than "
              + MAX_ENTRIES
              + " steps of 100 MHz: not a plausible CPU");
    }
    long[] khz = new long[(int) steps + (turbo ? 1 : 0)];
    int n = 0;
    if (turbo) {
      khz[n++] = turboKhz;
    }
    for (long f = highKhz; f > lowKhz; f -= STEP_KHZ) {
      khz[n++] = f;
    }
    khz[n++] = lowKhz;
    return FrequencyTable.of(turbo, Arrays.copyOf(khz, n));
  }
}
