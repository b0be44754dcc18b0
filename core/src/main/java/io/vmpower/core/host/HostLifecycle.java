package io.vmpower.core.host;

import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.monitor.ChannelMonitor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the host (hypervisor events, the monitor thread) and shuts it down: channels closed, every
 * CPU's original frequency settings restored, the hypervisor connection closed. Shutdown runs once,
 * whichever of quit, end of input or a signal comes first.
 */
@Singleton
public final class HostLifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostLifecycle.class);

  private final HypervisorSync sync;
  private final ChannelMonitor monitor;
  private final CpuFrequencies frequencies;
  private final Hypervisor hypervisor;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  @Inject
  public HostLifecycle(
      HypervisorSync sync,
      ChannelMonitor monitor,
      CpuFrequencies frequencies,
      Hypervisor hypervisor) {
    this.sync = sync;
    this.monitor = monitor;
    this.frequencies = frequencies;
    this.hypervisor = hypervisor;
  }

  /** Subscribes to hypervisor events and starts the monitor thread. Idempotent. */
  public void start() {
    if (started.compareAndSet(false, true)) {
      sync.start();
      monitor.start();
    }
  }

  /**
   * Closes the channels, restores every CPU and closes the hypervisor. Returns the restore failure
   * message, or null when everything was restored. Idempotent.
   */
  public String shutdown() {
    if (!closed.compareAndSet(false, true)) {
      return null;
    }
    String failure = null;
    try {
      monitor.close();
    } catch (RuntimeException e) {
      log.error("closing channels failed: {}", e.toString(), e);
    }
    try {
      frequencies.restore();
      log.info("CPU frequency settings restored");
    } catch (FrequencyException e) {
      failure = e.getMessage();
      log.error("restoring CPU frequency settings failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      failure = e.toString();
      log.error("restoring CPU frequency settings failed: {}", e.toString(), e);
    }
    try {
      hypervisor.close();
    } catch (RuntimeException e) {
      log.warn("closing the hypervisor connection failed: {}", e.toString());
    }
    return failure;
  }

  public boolean isShutDown() {
    return closed.get();
  }

  @Override
  public void close() {
    shutdown();
  }
}
