package io.vmpower.core.policy;

import io.vmpower.core.hal.Clock;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that drives the {@link PolicyEngine} in a running host ({@code vmpower-policies}): it
 * sleeps on the HAL clock until the next evaluation is due, runs what is due, and sleeps again.
 * With no policy nothing is due and it parks until one is installed: a host without policies has no
 * timer wake-ups. Sampling may block on the hypervisor; it blocks this thread only, never the
 * channel monitor.
 */
@Singleton
public final class PolicyScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyScheduler.class);

  private final PolicyEngine engine;
  private final Clock clock;
  private volatile Thread thread;
  private volatile boolean running;

  @Inject
  public PolicyScheduler(PolicyEngine engine, Clock clock) {
    this.engine = engine;
    this.clock = clock;
  }

  /** Starts the thread (idempotent). */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    running = true;
    Thread t = new Thread(this::loop, "vmpower-policies");
    t.setDaemon(true);
    thread = t;
    engine.onWork(() -> LockSupport.unpark(t));
    t.start();
  }

  public boolean isRunning() {
    return thread != null && running;
  }

  /** How many times the loop woke up (for tests of "no wake-ups without policies"). */
  public long wakeUps() {
    return wakeUps;
  }

  private volatile long wakeUps;

  private void loop() {
    log.debug("policy scheduler started");
    while (running) {
      try {
        long due = engine.nextDueNanos();
        long now = clock.nanoTime();
        if (due <= now) {
          engine.runDue(now);
          continue;
        }
        if (due == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          clock.parkUntil(due);
        }
        wakeUps++;
      } catch (RuntimeException e) {
        log.error("policy evaluation failed: {}", e.toString(), e);
      }
    }
    log.debug("policy scheduler stopped");
  }

  /** Stops the thread; waits for an evaluation in progress to end. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
      thread = null;
    }
    if (t != null) {
      engine.onWork(null);
      LockSupport.unpark(t);
      if (t != Thread.currentThread()) {
        try {
          t.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
