package io.vmpower.core.hal;

import java.util.Arrays;

/**
 * A CPU's frequencies in kHz, highest first. When {@link #hasTurbo()} is true, index 0 is the turbo
 * bucket (for acpi-cpufreq: an entry exactly 1000 kHz above the highest real one).
 */
public final class FrequencyTable {
  private final long[] khz;
  private final boolean turbo;

  private FrequencyTable(long[] khz, boolean turbo) {
    this.khz = khz;
    this.turbo = turbo;
  }

  /**
   * A table from frequencies in kHz (any order; duplicates removed; sorted highest first). Turbo is
   * detected the acpi-cpufreq way: the highest entry is exactly 1000 kHz above the next.
   */
  public static FrequencyTable of(long... khz) {
    long[] sorted = sortedDescending(khz);
    boolean turbo = sorted.length >= 2 && sorted[0] - 1000 == sorted[1];
    return new FrequencyTable(sorted, turbo);
  }

  /** A table whose index 0 is a turbo bucket or not, as the caller knows it. */
  public static FrequencyTable of(boolean turbo, long... khz) {
    long[] sorted = sortedDescending(khz);
    if (turbo && sorted.length < 2) {
      throw new IllegalArgumentException("a turbo table needs the turbo entry and one more");
    }
    return new FrequencyTable(sorted, turbo);
  }

  private static long[] sortedDescending(long[] khz) {
    if (khz.length == 0) {
      throw new IllegalArgumentException("a frequency table needs at least one frequency");
    }
    long[] s = Arrays.stream(khz).distinct().sorted().toArray();
    for (long f : s) {
      if (f <= 0) {
        throw new IllegalArgumentException("frequency " + f + " kHz is not positive");
      }
    }
    for (int i = 0, j = s.length - 1; i < j; i++, j--) {
      long t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    return s;
  }

  public int size() {
    return khz.length;
  }

  /** Frequency at {@code index} in kHz; index 0 is the highest. */
  public long get(int index) {
    return khz[index];
  }

  /** Index of exactly {@code khz}, or -1. */
  public int indexOf(long value) {
    for (int i = 0; i < khz.length; i++) {
      if (khz[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the entry nearest to {@code value} (ties go to the higher frequency). */
  public int nearestIndex(long value) {
    int best = 0;
    for (int i = 1; i < khz.length; i++) {
      if (Math.abs(khz[i] - value) < Math.abs(khz[best] - value)) {
        best = i;
      }
    }
    return best;
  }

  public boolean hasTurbo() {
    return turbo;
  }

  public int lowestIndex() {
    return khz.length - 1;
  }

  public long[] toArray() {
    return khz.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrequencyTable t && turbo == t.turbo && Arrays.equals(khz, t.khz);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(khz) * 31 + (turbo ? 1 : 0);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < khz.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(khz[i]);
      if (i == 0 && turbo) {
        sb.append(" (turbo)");
      }
    }
    return sb.toString();
  }
}
