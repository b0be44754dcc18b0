package io.vmpower.core.power;

import io.vmpower.core.hal.FrequencyTable;

/**
 * Where a scale operation moves a CPU in its table, as DPDK's cpufreq backends do. Index 0 is the
 * highest entry (the turbo bucket when the table has turbo); the last index is the lowest.
 *
 * <ul>
 *   <li>up: one index towards 0, but not into the turbo bucket while turbo is disabled;
 *   <li>down: one index towards the end;
 *   <li>max: index 0, or 1 when the table has turbo and turbo is disabled;
 *   <li>min: the last index;
 *   <li>enable_turbo: turbo allowed, then max (so index 0);
 *   <li>disable_turbo: turbo forbidden; a CPU in the turbo bucket (or at 1) goes to max, index 1.
 * </ul>
 *
 * Turbo operations first change the turbo setting; {@link #targetIndex} is then asked with the new
 * setting.
 */
public final class ScalingPolicy {
  private ScalingPolicy() {}

  /**
   * The index to move to, given the current index and whether turbo is enabled (after any turbo
   * change the operation itself makes). Equal to {@code current} when nothing is to change.
   */
  public static int targetIndex(ScaleOp op, FrequencyTable table, int current, boolean turbo) {
    int last = table.lowestIndex();
    int max = table.hasTurbo() && !turbo ? 1 : 0;
    return switch (op) {
      case UP -> current <= max ? current : current - 1;
      case DOWN -> current >= last ? current : current + 1;
      case MAX, ENABLE_TURBO -> max;
      case MIN -> last;
      case DISABLE_TURBO -> table.hasTurbo() && current <= 1 ? 1 : current;
    };
  }

  /** Whether the operation needs turbo enabled (true), disabled (false), or leaves it (null). */
  public static Boolean turboSetting(ScaleOp op) {
    return switch (op) {
      case ENABLE_TURBO -> Boolean.TRUE;
      case DISABLE_TURBO -> Boolean.FALSE;
      default -> null;
    };
  }
}
