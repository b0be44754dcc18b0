package io.vmpower.core.hal;

/**
 * A frequency read or write failed. The message names the CPU, the file or call, and the reason
 * (for example {@code EACCES}, {@code EBUSY}, {@code EINVAL}).
 */
public class FrequencyException extends Exception {
  private final int cpu;

  public FrequencyException(int cpu, String message) {
    super(message);
    this.cpu = cpu;
  }

  public FrequencyException(int cpu, String message, Throwable cause) {
    super(message, cause);
    this.cpu = cpu;
  }

  /** The CPU concerned, or -1 when the failure is not about one CPU. */
  public int cpu() {
    return cpu;
  }
}
