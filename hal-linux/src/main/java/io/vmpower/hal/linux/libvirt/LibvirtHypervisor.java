package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hypervisor as libvirt sees it, through libvirt-java.
 *
 * <p>Connects at construction. Lifecycle and tuning (pinning) events of libvirt, pins made here,
 * and the loss and return of the connection are delivered to listeners in order on one thread of
 * this object ({@code vmpower-libvirt-dispatch}), never on libvirt's event thread. A lost
 * connection is re-opened with back-off; meanwhile every call fails at once.
 */
public final class LibvirtHypervisor implements Hypervisor {
  private static final Logger log = LoggerFactory.getLogger(LibvirtHypervisor.class);
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final String uri;
  private final String libraryVersion;
  private final LibvirtRuntime runtime;
  private final ScheduledThreadPoolExecutor dispatcher;
  private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();
  private final LibvirtConnectionKeeper keeper;
  private final LibvirtDomains domains;
  private volatile Thread dispatchThread;
  private volatile LibvirtVmStatistics statistics;
  private boolean closed;

  /** Connects to {@code uri}, e.g. {@code qemu:///system}, with the default back-off. */
  public LibvirtHypervisor(String uri, boolean readOnly) throws HypervisorException {
    this(uri, readOnly, LibvirtConnector.DEFAULT, LibvirtBackoff.DEFAULT);
  }

  /**
   * Connects to {@code uri} through {@code connector}, reconnecting after a loss with {@code
   * backoff}.
   *
   * @throws HypervisorException naming the URI and libvirt's message when libvirt cannot be reached
   */
  public LibvirtHypervisor(
      String uri, boolean readOnly, LibvirtConnector connector, LibvirtBackoff backoff)
      throws HypervisorException {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.domains = new LibvirtDomains(uri, readOnly);
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(backoff, "backoff");
    this.runtime = LibvirtRuntime.process();
    try {
      runtime.acquire();
    } catch (LibvirtException e) {
      throw new HypervisorException(
          "cannot start libvirt's event loop for " + uri + ": " + LibvirtErrors.message(e), e);
    }
    this.libraryVersion = libraryVersion();
    this.dispatcher = newDispatcher();
    try {
      this.keeper =
          new LibvirtConnectionKeeper(uri, readOnly, connector, backoff, dispatcher, this::fire);
    } catch (HypervisorException | RuntimeException e) {
      dispatcher.shutdownNow();
      runtime.release();
      throw e;
    }
    log.info("connected: {}", description());
  }

  @Override
  public String description() {
    String base = "libvirt " + libraryVersion + " at " + uri;
    LibvirtSession session = keeper.sessionOrNull();
    if (session == null) {
      return base + " (not connected)";
    }
    return session.hypervisor().isEmpty() ? base : base + " (" + session.hypervisor() + ")";
  }

  @Override
  public Optional<VmInfo> lookup(String name) throws HypervisorException {
    Objects.requireNonNull(name, "VM name");
    return call("cannot read VM '" + name + "'", connect -> domains.lookup(connect, name));
  }

  @Override
  public List<String> vmNames() throws HypervisorException {
    return call("cannot list VMs", domains::names);
  }

  @Override
  public Optional<DomainChannels> powerChannels(String name) throws HypervisorException {
    Objects.requireNonNull(name, "VM name");
    return call(
        "cannot read the channels of VM '" + name + "'",
        connect -> domains.channels(connect, name));
  }

  @Override
  public void pin(String vm, int vcpu, CpuSet pcpus) throws HypervisorException {
    Objects.requireNonNull(vm, "VM name");
    Objects.requireNonNull(pcpus, "pCPUs");
    String what = "cannot pin vCPU " + vcpu + " of VM '" + vm + "' to pCPUs " + pcpus;
    if (pcpus.isEmpty()) {
      throw new HypervisorException(what + ": name at least one pCPU");
    }
    this.<Void>call(
        what,
        connect -> {
          domains.pin(connect, vm, vcpu, pcpus, what);
          return null;
        });
    log.debug("pinned vCPU {} of VM '{}' to pCPUs {}", vcpu, vm, pcpus);
    fire(new HypervisorEvent.PinningChanged(vm));
  }

  @Override
  public int hostCpuCount() throws HypervisorException {
    return call("cannot read the host's CPUs", LibvirtDomains::hostCpus);
  }

  @Override
  public void addListener(Consumer<HypervisorEvent> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Deregisters from libvirt, closes the connection and stops this object's threads. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    keeper.close();
    dispatcher.shutdown(); // delivers what is queued, drops pending reconnect attempts
    if (Thread.currentThread() != dispatchThread) {
      try {
        if (!dispatcher.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
          log.warn("a listener of {} did not return within {} s", uri, CLOSE_WAIT_SECONDS);
          dispatcher.shutdownNow();
        }
      } catch (InterruptedException e) {
        dispatcher.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    runtime.release();
    log.info("closed the libvirt connection to {}", uri);
  }

  /**
   * What libvirt measures of the VMs (vCPU time, interface counters), over this object's
   * connection; the same instance on every call.
   */
  public synchronized LibvirtVmStatistics statistics() {
    if (statistics == null) {
      statistics = new LibvirtVmStatistics(this);
    }
    return statistics;
  }

  @FunctionalInterface
  interface LibvirtCall<T> {
    T apply(LibvirtConnect connect) throws LibvirtException, HypervisorException;
  }

  <T> T call(String what, LibvirtCall<T> call) throws HypervisorException {
    LibvirtSession session = keeper.session();
    try {
      return call.apply(session.connect());
    } catch (LibvirtException e) {
      throw keeper.failure(session, what, e);
    }
  }

  private void fire(HypervisorEvent event) {
    LibvirtVmStatistics stats = statistics;
    if (stats != null) {
      stats.forget(event);
    }
    try {
      dispatcher.execute(() -> deliver(event));
    } catch (RejectedExecutionException e) {
      log.debug("closed: dropped {}", event);
    }
  }

  private void deliver(HypervisorEvent event) {
    for (Consumer<HypervisorEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("a hypervisor listener failed on {}: {}", event, e.toString(), e);
      }
    }
  }

  private ScheduledThreadPoolExecutor newDispatcher() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "vmpower-libvirt-dispatch");
              thread.setDaemon(true);
              dispatchThread = thread;
              return thread;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private static String libraryVersion() {
    try {
      return LibvirtVersions.format(Library.getVersion());
    } catch (LibvirtException e) {
      return "(version unknown)";
    }
  }
}
