package io.vmpower.core.host;

import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmFollower;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry's view of each VM (state, vCPUs, pinning) in step with the hypervisor's
 * events, so the vCPU-to-pCPU translation the monitor uses is never stale; re-attaches a VM's
 * channels when it starts, and tells the {@link VmFollower}s (policies, demands, dedicated CPUs).
 * While the hypervisor is unreachable the last known pinning stays in use.
 */
@Singleton
public final class HypervisorSync implements Consumer<HypervisorEvent> {
  private static final Logger log = LoggerFactory.getLogger(HypervisorSync.class);

  private final Hypervisor hypervisor;
  private final VmRegistry registry;
  private final ChannelMonitor monitor;
  private final AtomicBoolean connected = new AtomicBoolean(true);
  private volatile String lastLoss = "";
  private final List<VmFollower> followers = new CopyOnWriteArrayList<>();

  @Inject
  public HypervisorSync(Hypervisor hypervisor, VmRegistry registry, ChannelMonitor monitor) {
    this.hypervisor = hypervisor;
    this.registry = registry;
    this.monitor = monitor;
  }

  /** Subscribes to the hypervisor's events. */
  public void start() {
    hypervisor.addListener(this);
  }

  /** Tells {@code follower} of every VM event from now on, after the registry is refreshed. */
  public void addFollower(VmFollower follower) {
    followers.add(follower);
  }

  /** Whether the hypervisor connection is up, as last reported. */
  public boolean connected() {
    return connected.get();
  }

  public String lastLoss() {
    return lastLoss;
  }

  @Override
  public void accept(HypervisorEvent event) {
    try {
      if (event instanceof HypervisorEvent.VmStarting e) {
        for (VmFollower f : followers) {
          f.vmStarting(e.vm());
        }
      } else if (event instanceof HypervisorEvent.VmStarted e) {
        refresh(e.vm());
        registry.find(e.vm()).ifPresent(monitor::reattachSoon);
        Vm vm = registry.find(e.vm()).orElse(null);
        for (VmFollower f : followers) {
          f.vmStarted(e.vm(), vm);
        }
      } else if (event instanceof HypervisorEvent.VmStopped e) {
        registry.find(e.vm()).ifPresent(vm -> vm.state(VmState.SHUT_OFF));
        refresh(e.vm());
        Vm vm = registry.find(e.vm()).orElse(null);
        for (VmFollower f : followers) {
          f.vmStopped(e.vm(), vm);
        }
      } else if (event instanceof HypervisorEvent.VmChanged e) {
        refresh(e.vm());
        changed(e.vm());
      } else if (event instanceof HypervisorEvent.PinningChanged e) {
        refresh(e.vm());
        changed(e.vm());
      } else if (event instanceof HypervisorEvent.ConnectionLost e) {
        connected.set(false);
        lastLoss = e.reason();
        log.warn(
            "hypervisor connection lost ({}): serving with the pinning last known", e.reason());
      } else if (event instanceof HypervisorEvent.ConnectionRestored) {
        connected.set(true);
        log.info("hypervisor connection restored; re-reading every VM");
        registry.all().forEach(vm -> refresh(vm.name()));
        for (VmFollower f : followers) {
          f.reconnected();
        }
      }
    } catch (RuntimeException e) {
      log.error("handling hypervisor event {} failed: {}", event, e.toString(), e);
    }
  }

  private void changed(String name) {
    Vm vm = registry.find(name).orElse(null);
    for (VmFollower f : followers) {
      f.vmChanged(name, vm);
    }
  }

  /**
   * Re-reads {@code name} from the hypervisor if the registry has it; keeps the old view on error.
   */
  public void refresh(String name) {
    Optional<Vm> vm = registry.find(name);
    if (vm.isEmpty()) {
      return;
    }
    try {
      Optional<VmInfo> info = hypervisor.lookup(name);
      if (info.isPresent()) {
        vm.get().update(info.get());
      } else {
        vm.get().state(VmState.OTHER);
        log.warn("VM '{}' is no longer known to the hypervisor", name);
      }
    } catch (HypervisorException e) {
      log.warn(
          "could not refresh VM '{}': {}; keeping its last known pinning", name, e.getMessage());
    }
  }
}
