package io.vmpower.core.power;

/**
 * What a scale operation did to one CPU, for operators: the outcome, the frequency before and after
 * in kHz, and the reason when it failed.
 */
public record CpuScaleResult(
    int cpu, ScaleOutcome outcome, long fromKhz, long toKhz, String error) {
  public boolean failed() {
    return outcome == ScaleOutcome.FAILED;
  }

  /** One line for the CLI, e.g. {@code Core 3: 2600000 -> 2400000 kHz}. */
  public String describe() {
    return switch (outcome) {
      case CHANGED -> "Core " + cpu + ": " + fromKhz + " -> " + toKhz + " kHz";
      case UNCHANGED -> "Core " + cpu + ": unchanged at " + toKhz + " kHz";
      case FAILED -> "Core " + cpu + ": failed: " + error;
    };
  }
}
