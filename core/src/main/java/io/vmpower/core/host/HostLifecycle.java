package io.vmpower.core.host;

import io.vmpower.core.drift.DriftMonitor;
import io.vmpower.core.energy.EnergySampler;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.policy.PolicyRuntime;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the host (hypervisor events, the monitor thread, the drift check's timer, the energy
 * sampler, the policies) and shuts it down: the timers and the policies stopped, channels closed,
 * every CPU's original frequency settings restored, the hypervisor connection closed. Shutdown runs
 * once, whichever of quit, end of input or a signal comes first.
 */
@Singleton
public final class HostLifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostLifecycle.class);

  private final HypervisorSync sync;
  private final ChannelMonitor monitor;
  private final CpuFrequencies frequencies;
  private final Hypervisor hypervisor;
  private final StateFile stateFile;
  private final DriftMonitor drift;
  private final EnergySampler energy;
  private final PolicyRuntime policies;
  private final List<String> notes = new ArrayList<>();
  private volatile boolean stateSaved;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  @Inject
  public HostLifecycle(
      HypervisorSync sync,
      ChannelMonitor monitor,
      CpuFrequencies frequencies,
      Hypervisor hypervisor,
      StateFile stateFile,
      DriftMonitor drift,
      EnergySampler energy,
      PolicyRuntime policies) {
    this.sync = sync;
    this.drift = drift;
    this.energy = energy;
    this.monitor = monitor;
    this.frequencies = frequencies;
    this.hypervisor = hypervisor;
    this.stateFile = stateFile;
    this.policies = policies;
  }

  /** A host without policies. */
  public HostLifecycle(
      HypervisorSync sync,
      ChannelMonitor monitor,
      CpuFrequencies frequencies,
      Hypervisor hypervisor,
      StateFile stateFile,
      DriftMonitor drift,
      EnergySampler energy) {
    this(sync, monitor, frequencies, hypervisor, stateFile, drift, energy, null);
  }

  /**
   * Puts back settings left by a host that did not exit cleanly, saves the CPU settings to the
   * state file (before anything can change them), subscribes to hypervisor events and starts the
   * monitor thread. Idempotent. What an operator must know is in {@link #notes()}.
   */
  public void start() {
    if (started.compareAndSet(false, true)) {
      saveState();
      sync.start();
      monitor.start();
      drift.start();
      energy.start();
      if (policies != null) {
        policies.start(sync);
      }
    }
  }

  /** Messages for the operator from start-up (state file problems, settings put back). */
  public List<String> notes() {
    synchronized (notes) {
      return List.copyOf(notes);
    }
  }

  private void note(String message) {
    synchronized (notes) {
      notes.add(message);
    }
  }

  private void saveState() {
    if (!stateFile.enabled()) {
      return;
    }
    try {
      Optional<StateFile.Saved> stale = stateFile.read();
      if (stale.isPresent()) {
        if (!stale.get().backend().equals(frequencies.description())) {
          note(
              "State file "
                  + stateFile.path()
                  + " belongs to '"
                  + stale.get().backend()
                  + "', not to '"
                  + frequencies.description()
                  + "': left alone, and this run keeps its saved settings in memory only");
          return;
        }
        frequencies.restoreSettings(stale.get().settings());
        note(
            "Put back the CPU settings saved in "
                + stateFile.path()
                + " by a host that did not exit cleanly");
      }
      stateFile.write(frequencies.description(), frequencies.settings());
      stateSaved = true;
    } catch (IOException | FrequencyException e) {
      note(
          "State file "
              + stateFile.path()
              + " not usable ("
              + e.getMessage()
              + "): a host killed with SIGKILL could not be restored with --restore");
    }
    notes().forEach(n -> log.warn("{}", n));
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
    drift.close();
    energy.close();
    if (policies != null) {
      try {
        policies.close();
      } catch (RuntimeException e) {
        log.error("stopping the policies failed: {}", e.toString(), e);
      }
    }
    try {
      monitor.close();
    } catch (RuntimeException e) {
      log.error("closing channels failed: {}", e.toString(), e);
    }
    try {
      frequencies.restore();
      log.info("CPU frequency settings restored");
      if (stateSaved) {
        stateFile.delete();
      }
    } catch (IOException e) {
      log.warn("could not remove the state file {}: {}", stateFile.path(), e.getMessage());
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
