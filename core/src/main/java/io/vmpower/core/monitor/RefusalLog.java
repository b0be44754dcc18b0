package io.vmpower.core.monitor;

import io.vmpower.core.vm.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate limit of one channel's per-request log lines (refusals, dropped replies), so that a
 * guest flooding bad packets cannot flood the log: the first {@link #BURST} of each one-second
 * window are logged, the rest are only counted and summed up in one line when the window is over
 * (the counters in {@code show_stats} keep every one). Monitor thread only; allocation-free.
 */
public final class RefusalLog {
  /** Lines logged per channel per window before the rest are only counted. */
  public static final int BURST = 5;

  /** The window, in nanoseconds. */
  public static final long WINDOW_NANOS = 1_000_000_000L;

  // the same logger as the refusal lines themselves, so one logger setting governs both
  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

  private boolean open;
  private long windowStart;
  private int logged;
  private long suppressed;

  /**
   * Whether a refusal seen at {@code now} may be logged; when not, it is counted for the summary.
   * Writes the summary of a window that is over first.
   */
  public boolean admit(Channel channel, long now) {
    flushDue(channel, now);
    if (!open || now - windowStart >= WINDOW_NANOS) {
      open = true;
      windowStart = now;
      logged = 0;
    }
    if (logged < BURST) {
      logged++;
      return true;
    }
    suppressed++;
    return false;
  }

  /** Refusals counted but not logged yet. */
  public long suppressed() {
    return suppressed;
  }

  /** When the summary of the current window is due (meaningful while {@link #suppressed} > 0). */
  public long dueAt() {
    return windowStart + WINDOW_NANOS;
  }

  /** Writes the summary when the window is over and refusals were not logged. */
  public void flushDue(Channel channel, long now) {
    if (suppressed > 0 && now - windowStart >= WINDOW_NANOS) {
      flush(channel);
    }
  }

  /** Writes the summary of what was not logged, if anything, now (e.g. at shutdown). */
  public void flush(Channel channel) {
    if (suppressed == 0) {
      return;
    }
    log.warn(
        "{}: {} more line(s) like these not logged in the last {} s (at most {} a second per"
            + " channel; show_stats counts every request)",
        channel,
        suppressed,
        WINDOW_NANOS / 1_000_000_000L,
        BURST);
    suppressed = 0;
  }
}
