package io.vmpower.core.service;

import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.hal.ServiceNotifier;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.host.HostLifecycle;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host as a service, from its configuration: started, it serves every managed VM's channels
 * with no operator command, runs its {@link Service}s and tells the service manager it is ready;
 * reloaded, it applies what changed; stopped, it restores the CPUs. The order:
 *
 * <ol>
 *   <li>start: the host (state file, hypervisor events, monitor thread), the {@link VmReconciler}'s
 *       first pass over every domain, each {@link Service}, then {@code READY=1} with a status
 *       line, then the {@link Watchdog};
 *   <li>reload: {@code RELOADING=1}, the {@link ConfigReloader}, {@code READY=1};
 *   <li>stop: {@code STOPPING=1}, the watchdog, the services (reverse order), the reconciler, then
 *       the host's shutdown (channels closed, CPUs restored, hypervisor closed).
 * </ol>
 *
 * Stop may be called from any thread (a signal's), also while start is still running: it does not
 * wait for start, and start stops at its next step.
 */
@Singleton
public final class HostService {
  private static final Logger log = LoggerFactory.getLogger(HostService.class);

  private final HostLifecycle lifecycle;
  private final VmReconciler reconciler;
  private final Set<Service> services;
  private final ServiceNotifier notifier;
  private final ConfigReloader reloader;
  private final VmRegistry registry;
  private final RunningConfig running;
  private final Watchdog watchdog;
  private final List<Service> started = new ArrayList<>();
  private final AtomicBoolean starting = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile boolean ready;

  @Inject
  public HostService(
      HostLifecycle lifecycle,
      VmReconciler reconciler,
      Set<Service> services,
      ServiceNotifier notifier,
      ConfigReloader reloader,
      ChannelMonitor monitor,
      VmRegistry registry,
      RunningConfig running) {
    this.lifecycle = lifecycle;
    this.reconciler = reconciler;
    this.services = services;
    this.notifier = notifier;
    this.reloader = reloader;
    this.registry = registry;
    this.running = running;
    this.watchdog = new Watchdog(notifier, monitor);
  }

  /**
   * Starts everything, then tells the service manager it is ready.
   *
   * @throws Exception when a service cannot start (the caller then calls {@link #stop()})
   * @throws IllegalStateException when stopped meanwhile, or started before
   */
  public void start() throws Exception {
    start(List.of());
  }

  /**
   * As {@link #start()}, with {@code more} services of the caller's (the launcher's: its command
   * thread, the control socket, the metrics endpoint) started after the bound ones, in order, and
   * closed before them.
   */
  public void start(List<? extends Service> more) throws Exception {
    if (!starting.compareAndSet(false, true)) {
      throw new IllegalStateException("the host service was started before");
    }
    notifier.status("Starting: reading the VMs (" + running.source().name() + ")");
    lifecycle.start();
    checkNotStopped();
    reconciler.start(changes -> notifier.status(status()));
    List<Service> all = new ArrayList<>(services);
    all.addAll(more);
    for (Service s : all) {
      checkNotStopped();
      log.info("starting {}", s.name());
      s.start();
      synchronized (started) {
        started.add(s);
      }
    }
    checkNotStopped();
    String status = status();
    notifier.ready(status);
    ready = true;
    log.info("ready: {}", status);
    watchdog.start();
  }

  private void checkNotStopped() {
    if (stopped.get()) {
      throw new IllegalStateException("stopped while starting");
    }
  }

  /** One line on what is served, e.g. {@code Serving 4 channel(s) of 2 VM(s), 3 attached}. */
  public String status() {
    int vms = 0;
    int channels = 0;
    int attached = 0;
    for (Vm vm : registry.all()) {
      vms++;
      for (Channel c : vm.channels().values()) {
        channels++;
        if (c.state() != ChannelState.DISCONNECTED) {
          attached++;
        }
      }
    }
    return "Serving " + channels + " channel(s) of " + vms + " VM(s), " + attached + " attached";
  }

  /**
   * Re-reads the configuration and applies what changed (see {@link ConfigReloader}), telling the
   * service manager.
   *
   * @throws CommandException when the host does not run from a configuration file
   */
  public ReloadReport reload() throws CommandException {
    if (!running.fromFile()) {
      return reloader.reload(); // throws, saying why
    }
    notifier.reloading("Reloading " + running.source().name());
    try {
      return reloader.reload();
    } finally {
      notifier.ready(status());
    }
  }

  /**
   * Stops everything; returns the failure to restore the CPUs, or null. Idempotent: a second call
   * returns null at once.
   */
  public String stop() {
    if (!stopped.compareAndSet(false, true)) {
      return null;
    }
    notifier.stopping("Stopping: closing the channels and restoring the CPUs");
    watchdog.close();
    List<Service> toClose;
    synchronized (started) {
      toClose = new ArrayList<>(started);
      started.clear();
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      Service s = toClose.get(i);
      try {
        s.close();
      } catch (RuntimeException e) {
        log.warn("closing {} failed: {}", s.name(), e.toString());
      }
    }
    reconciler.close();
    return lifecycle.shutdown();
  }

  public boolean stopped() {
    return stopped.get();
  }

  /** Whether start is over (READY=1 was told) and stop has not begun. */
  public boolean ready() {
    return ready && !stopped.get();
  }
}
