package io.vmpower.hal.sim;

import io.vmpower.core.hal.HypervisorEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers hypervisor events to listeners, in order, on one daemon thread of its own (as libvirt's
 * event loop does), never on the thread that caused them. The thread exists only while there is
 * work: it ends after a second of idleness and is started again by the next event.
 */
final class SimulatedEventDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedEventDispatcher.class);

  private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor executor;

  /** Marks the dispatcher's own threads, so that waiting for delivery from one cannot deadlock. */
  private final class DispatcherThread extends Thread {
    DispatcherThread(Runnable r) {
      super(r, "vmpower-sim-hypervisor-events");
      setDaemon(true);
    }

    SimulatedEventDispatcher owner() {
      return SimulatedEventDispatcher.this;
    }
  }

  SimulatedEventDispatcher() {
    executor =
        new ThreadPoolExecutor(
            0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), DispatcherThread::new);
  }

  void add(Consumer<HypervisorEvent> listener) {
    listeners.add(listener);
  }

  void remove(Consumer<HypervisorEvent> listener) {
    listeners.remove(listener);
  }

  /** Queues the events and returns without waiting. */
  void publish(List<HypervisorEvent> events) {
    submit(events);
  }

  /**
   * Queues the events and waits until every listener has had them (and all events queued before).
   * On the dispatcher's own thread (a listener calling a driver method) it does not wait.
   */
  void publishAndWait(List<HypervisorEvent> events) {
    waitFor(submit(events));
  }

  /** Waits until every event queued so far has been delivered. */
  void awaitDelivered() {
    waitFor(submit(List.of()));
  }

  private Future<?> submit(List<HypervisorEvent> events) {
    if (executor.isShutdown() || (events.isEmpty() && executor.getPoolSize() == 0)) {
      return null;
    }
    if (listeners.isEmpty() && !events.isEmpty()) {
      log.debug("no listener for {}", events);
      return null;
    }
    return executor.submit(() -> deliver(events));
  }

  private void deliver(List<HypervisorEvent> events) {
    for (HypervisorEvent e : events) {
      for (Consumer<HypervisorEvent> l : listeners) {
        try {
          l.accept(e);
        } catch (RuntimeException ex) {
          log.warn("hypervisor event listener failed on {}", e, ex);
        }
      }
    }
  }

  private void waitFor(Future<?> f) {
    if (f == null || (Thread.currentThread() instanceof DispatcherThread t && t.owner() == this)) {
      return;
    }
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("event delivery failed", e.getCause());
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
