package io.vmpower.core.policy;

/**
 * The cost of reading the VMs' counters for policies: how many reads, of how many VMs, how long
 * they took (wall time of the call, on the policy thread) and how many failed.
 */
public final class SamplingStats {
  private long reads;
  private long vms;
  private long failures;
  private long totalNanos;
  private long lastNanos;
  private long maxNanos;
  private long minNanos = Long.MAX_VALUE;

  synchronized void record(int vmCount, long nanos, boolean failed) {
    reads++;
    vms += vmCount;
    totalNanos += nanos;
    lastNanos = nanos;
    maxNanos = Math.max(maxNanos, nanos);
    minNanos = Math.min(minNanos, nanos);
    if (failed) {
      failures++;
    }
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(
        reads, vms, failures, totalNanos, lastNanos, maxNanos, reads == 0 ? 0 : minNanos);
  }

  /**
   * The figures at one moment.
   *
   * @param reads calls to {@code VmStatistics.read}
   * @param vms VMs read, summed over the calls
   * @param failures calls that failed
   * @param totalNanos time spent in the calls
   * @param lastNanos the last call's time
   * @param maxNanos the longest call
   * @param minNanos the shortest call (0 before the first)
   */
  public record Snapshot(
      long reads,
      long vms,
      long failures,
      long totalNanos,
      long lastNanos,
      long maxNanos,
      long minNanos) {
    /** Mean time per VM read, in microseconds (0 when none). */
    public double microsPerVm() {
      return vms == 0 ? 0 : totalNanos / 1000.0 / vms;
    }
  }
}
