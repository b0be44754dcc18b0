package io.vmpower.core.power;

import io.vmpower.core.hal.FrequencyTable;

/** A place in a CPU's table that policies ask for: DPDK's max, medium and min. */
public enum FrequencyLevel {
  /** Index 0, or 1 when the table has turbo and turbo is disabled. */
  MAX,
  /** The middle of the table (index size / 2), as DPDK's medium. */
  MEDIUM,
  /** The last index. */
  MIN;

  /** The index of this level in {@code table}. */
  public int index(FrequencyTable table, boolean turboEnabled) {
    return switch (this) {
      case MAX -> table.hasTurbo() && !turboEnabled ? 1 : 0;
      case MEDIUM -> table.size() / 2;
      case MIN -> table.lowestIndex();
    };
  }

  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
