package io.vmpower.cli.control;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Warnings about control clients (refused, cut off, over a bound), at most 10 a minute per log;
 * past that they are counted and the count logged when the minute is over, so that a flood of bad
 * clients cannot flood the log.
 */
final class ControlLog {
  private static final long WINDOW = TimeUnit.MINUTES.toNanos(1);
  private static final int PER_WINDOW = 10;

  private final Logger log;
  private long windowStart = System.nanoTime();
  private int logged;
  private long suppressed;

  ControlLog(Logger log) {
    this.log = log;
  }

  synchronized void warn(String message) {
    long now = System.nanoTime();
    if (now - windowStart > WINDOW) {
      flush();
      windowStart = now;
      logged = 0;
    }
    if (logged < PER_WINDOW) {
      logged++;
      log.warn("{}", message);
    } else {
      suppressed++;
    }
  }

  synchronized void flush() {
    if (suppressed > 0) {
      log.warn("... and {} more such control client warning(s) in the last minute", suppressed);
      suppressed = 0;
    }
  }
}
