package io.vmpower.core.service;

import io.vmpower.core.hal.ServiceNotifier;
import io.vmpower.core.monitor.ChannelMonitor;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the service manager the host is alive, every half of its watchdog interval, but only when
 * the channel monitor proves it: a no-op sent through the monitor's task queue must run within that
 * half interval. A monitor that hangs (or whose thread died) is no longer vouched for, so systemd
 * restarts the service when the interval runs out. Nothing runs when no watchdog is asked for.
 */
final class Watchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private final ServiceNotifier notifier;
  private final ChannelMonitor monitor;
  private ScheduledExecutorService scheduler;
  private Duration period;
  private boolean silent;

  Watchdog(ServiceNotifier notifier, ChannelMonitor monitor) {
    this.notifier = notifier;
    this.monitor = monitor;
  }

  /** Starts pinging when the service manager asks for a watchdog; returns whether it does. */
  synchronized boolean start() {
    if (scheduler != null || notifier.watchdogInterval().isEmpty()) {
      return scheduler != null;
    }
    Duration interval = notifier.watchdogInterval().get();
    period = interval.dividedBy(2);
    if (period.isZero()) {
      period = Duration.ofNanos(1);
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vmpower-watchdog");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleAtFixedRate(this::tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    log.info(
        "watchdog: telling {} every {} ms while the channel monitor answers",
        notifier.description(),
        period.toMillis());
    return true;
  }

  /** One check: WATCHDOG=1 when the monitor answered within the period, else nothing. */
  void tick() {
    if (monitor.answers(period)) {
      notifier.watchdog();
      if (silent) {
        silent = false;
        log.warn("the channel monitor answers again: the watchdog is told so");
      }
    } else if (!silent) {
      silent = true;
      log.error(
          "the channel monitor did not answer within {} ms: not telling the service manager that"
              + " the host is alive (it restarts the service when its watchdog runs out)",
          period.toMillis());
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
