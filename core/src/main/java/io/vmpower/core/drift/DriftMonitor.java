package io.vmpower.core.drift;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link DriftCheck} on a timer (its settings' interval; never when it is zero) on a
 * daemon thread of its own. Stopped before the host restores the CPUs, so a check never re-applies
 * a value after the restore.
 */
@Singleton
public final class DriftMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);

  private final DriftCheck check;
  private ScheduledExecutorService timer;

  @Inject
  public DriftMonitor(DriftCheck check) {
    this.check = check;
  }

  /** Starts the timer; idempotent; does nothing when the interval is zero. */
  public synchronized void start() {
    if (timer != null || !check.settings().timerOn()) {
      return;
    }
    long millis = check.settings().interval().toMillis();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vmpower-drift");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::run, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      check.check();
    } catch (RuntimeException e) {
      log.error("drift check failed: {}", e.toString(), e);
    }
  }

  public synchronized boolean running() {
    return timer != null;
  }

  /** Stops the timer and waits for a check under way. Idempotent. */
  @Override
  public synchronized void close() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer = null;
  }
}
