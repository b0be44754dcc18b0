package io.vmpower.core.energy;

import io.vmpower.core.config.EnergySettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the {@link EnergyMeter} on a timer of its own (a daemon thread), so that no counter wrap
 * is missed while nobody scrapes. Started with the host; does nothing when the host has no energy
 * counters or the interval is zero.
 */
@Singleton
public final class EnergySampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EnergySampler.class);

  private final EnergyMeter meter;
  private final EnergySettings settings;
  private ScheduledExecutorService timer;

  @Inject
  public EnergySampler(EnergyMeter meter, EnergySettings settings) {
    this.meter = meter;
    this.settings = settings;
  }

  /** Takes the first sample and starts the timer. Idempotent. */
  public synchronized void start() {
    if (timer != null || meter.zones().isEmpty()) {
      return;
    }
    meter.sample();
    if (settings.interval().isZero()) {
      return;
    }
    long millis = settings.interval().toMillis();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vmpower-energy");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::run, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      meter.sample();
    } catch (RuntimeException e) {
      log.error("energy sample failed: {}", e.toString(), e);
    }
  }

  public synchronized boolean running() {
    return timer != null;
  }

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
