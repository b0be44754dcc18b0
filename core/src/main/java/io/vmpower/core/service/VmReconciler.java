package io.vmpower.core.service;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.config.VmSettings;
import io.vmpower.core.config.VmsSettings;
import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.host.ChannelFolder;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.host.Views.ChannelResult;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelEvent;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's own {@code add_vm} and {@code add_channels}: keeps the VMs its configuration
 * manages, and their channels, in step with the hypervisor, with no operator command.
 *
 * <ul>
 *   <li>Which VMs: {@code vms.manage}, either {@code auto} (every VM whose definition names power
 *       channels) or names and globs.
 *   <li>Which channels: those the domain's definition names ({@link Hypervisor#powerChannels}),
 *       each at a socket inside an allowed channel folder and numbered below {@code
 *       channels.max-per-vm}; what is refused is reported (logged once per change). A listed VM
 *       whose definition names none has the {@code {vm}.{n}} sockets of the channel folder, as
 *       {@code add_channels VM all} takes them.
 *   <li>When: on each hypervisor event of a VM (started: attached; stopped: detached, its channels
 *       kept, DISCONNECTED, with their counters; defined: picked up; undefined: forgotten), after
 *       the connection comes back (every domain is read again), after a reload, and every {@code
 *       vms.rescan-seconds} as a safety net.
 * </ul>
 *
 * The work runs on a thread of its own ({@code vmpower-reconcile}), events coalesced per VM; it
 * never runs on the hypervisor's event thread or the monitor's, and reaches the monitor through its
 * {@link ChannelMonitor#call} queue only. It manages only the VMs it registered itself: a VM an
 * operator added with {@code add_vm} is left to the operator.
 */
@Singleton
public final class VmReconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VmReconciler.class);

  private final Hypervisor hypervisor;
  private final VmRegistry registry;
  private final ChannelMonitor monitor;
  private final ChannelRules rules;
  private final ChannelFolder folder;
  private final RunningConfig running;

  /** The VMs this reconciler registered; reconcile thread only. */
  private final Map<String, Managed> managed = new TreeMap<>();

  /** What was last reported refused, per VM; reconcile thread only. */
  private final Map<String, List<String>> reported = new HashMap<>();

  /** VMs seen added by an operator, reported once; reconcile thread only. */
  private final Set<String> leftToOperator = new HashSet<>();

  // work asked for, guarded by this
  private final Set<String> pending = new LinkedHashSet<>();
  private boolean pendingAll;
  private boolean drainQueued;

  private volatile ScheduledExecutorService executor;
  private volatile Thread thread;
  private volatile ScheduledFuture<?> rescan;
  private volatile int rescanSeconds;
  private volatile boolean closed;
  private volatile Consumer<List<String>> onChange = changes -> {};

  /** One VM this reconciler manages. */
  private static final class Managed {
    final Vm vm;

    /** The channels handed to the monitor (attached, or retried by it). */
    final Set<Channel> adopted = new HashSet<>();

    /** The settings applied, to apply only what a reload changes. */
    VmSettings settings;

    Managed(Vm vm) {
      this.vm = vm;
    }
  }

  @Inject
  public VmReconciler(
      Hypervisor hypervisor,
      VmRegistry registry,
      ChannelMonitor monitor,
      ChannelRules rules,
      ChannelFolder folder,
      RunningConfig running) {
    this.hypervisor = hypervisor;
    this.registry = registry;
    this.monitor = monitor;
    this.rules = rules;
    this.folder = folder;
    this.running = running;
  }

  /**
   * Subscribes to the hypervisor's events, reads every domain once (returning when that first pass
   * is over) and schedules the periodic pass. {@code onChange} hears the changes of every later
   * pass that changed something (on the reconcile thread).
   */
  public synchronized void start(Consumer<List<String>> onChange) {
    if (executor != null) {
      return;
    }
    this.onChange = onChange;
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vmpower-reconcile");
              t.setDaemon(true);
              thread = t;
              return t;
            });
    hypervisor.addListener(this::onEvent);
    reconcileNow();
    schedule(running.current().vms().rescanSeconds());
  }

  /**
   * Reads every domain now and makes the managed VMs and channels match, on the reconcile thread;
   * returns what changed, each in a sentence. Used at start and after a reload.
   */
  public List<String> reconcileNow() {
    ScheduledExecutorService e = executor;
    if (e == null || Thread.currentThread() == thread) {
      return reconcileAll();
    }
    try {
      List<String> changes = e.submit(this::reconcileAll).get();
      schedule(running.current().vms().rescanSeconds());
      return changes;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return List.of("interrupted before the VMs were read");
    } catch (ExecutionException ex) {
      log.error("reading the VMs failed: {}", ex.getCause().toString(), ex.getCause());
      return List.of("reading the VMs failed: " + ex.getCause());
    }
  }

  /** The names of the VMs this reconciler manages now. */
  public List<String> managedNames() {
    ScheduledExecutorService e = executor;
    if (e == null) {
      return new ArrayList<>(managed.keySet());
    }
    try {
      return e.submit(() -> (List<String>) new ArrayList<>(managed.keySet())).get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException ex) {
      return List.of();
    }
  }

  /** What is refused now (channels that could not be taken), by VM. */
  public Map<String, List<String>> refused() {
    ScheduledExecutorService e = executor;
    if (e == null) {
      return Map.copyOf(reported);
    }
    try {
      return e.submit(() -> Map.copyOf(reported)).get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return Map.of();
    } catch (ExecutionException ex) {
      return Map.of();
    }
  }

  /** Stops reading domains; the VMs and channels stay as they are (the host's shutdown closes). */
  @Override
  public void close() {
    closed = true;
    ScheduledExecutorService e = executor;
    if (e != null) {
      e.shutdownNow();
      try {
        if (!e.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("the reconcile thread did not stop within 10 s");
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- events

  private void onEvent(HypervisorEvent event) {
    if (closed) {
      return;
    }
    if (event instanceof HypervisorEvent.VmStarted e) {
      request(e.vm());
    } else if (event instanceof HypervisorEvent.VmStopped e) {
      request(e.vm());
    } else if (event instanceof HypervisorEvent.VmChanged e) {
      request(e.vm());
    } else if (event instanceof HypervisorEvent.ConnectionRestored) {
      requestAll();
    }
  }

  private synchronized void request(String vm) {
    pending.add(vm);
    queueDrain();
  }

  private synchronized void requestAll() {
    pendingAll = true;
    queueDrain();
  }

  /** Called holding the lock. */
  private void queueDrain() {
    ScheduledExecutorService e = executor;
    if (!drainQueued && e != null && !closed) {
      drainQueued = true;
      try {
        e.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        drainQueued = false;
      }
    }
  }

  private void drain() {
    boolean all;
    List<String> vms;
    synchronized (this) {
      drainQueued = false;
      all = pendingAll;
      pendingAll = false;
      vms = new ArrayList<>(pending);
      pending.clear();
    }
    List<String> changes = new ArrayList<>();
    if (all) {
      changes.addAll(reconcileAll());
    } else {
      for (String vm : vms) {
        changes.addAll(reconcile(vm));
      }
    }
    changed(changes);
  }

  private void changed(List<String> changes) {
    if (!changes.isEmpty()) {
      try {
        onChange.accept(changes);
      } catch (RuntimeException e) {
        log.warn("a listener of the reconciler failed: {}", e.toString());
      }
    }
  }

  private synchronized void schedule(int seconds) {
    ScheduledExecutorService e = executor;
    if (e == null || closed || (rescan != null && seconds == rescanSeconds)) {
      return;
    }
    if (rescan != null) {
      rescan.cancel(false);
    }
    rescanSeconds = seconds;
    rescan =
        e.scheduleWithFixedDelay(() -> changed(reconcileAll()), seconds, seconds, TimeUnit.SECONDS);
  }

  // ---- the work (reconcile thread, or the caller's before start)

  private List<String> reconcileAll() {
    Set<String> names = new TreeSet<>();
    try {
      names.addAll(hypervisor.vmNames());
    } catch (HypervisorException e) {
      log.warn("cannot list the VMs ({}): the managed VMs stay as they are", e.getMessage());
      return List.of();
    }
    names.addAll(managed.keySet());
    List<String> changes = new ArrayList<>();
    for (String name : names) {
      changes.addAll(reconcile(name));
    }
    return changes;
  }

  /** Makes VM {@code name} and its channels match its domain and the configuration. */
  List<String> reconcile(String name) {
    List<String> changes = new ArrayList<>();
    try {
      reconcile(name, changes);
    } catch (HypervisorException e) {
      log.warn("cannot read VM '{}' ({}): left as it is", name, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.error("reconciling VM '{}' failed: {}", name, e.toString(), e);
    }
    changes.forEach(c -> log.info("{}", c));
    return changes;
  }

  private void reconcile(String name, List<String> changes) throws Exception {
    Managed m = managed.get(name);
    if (m != null && registry.find(name).orElse(null) != m.vm) {
      managed.remove(name); // an operator removed it (rm_channels, rm_vm): take it on anew
      m = null;
    }
    Optional<VmInfo> info = hypervisor.lookup(name);
    Optional<DomainChannels> domain =
        info.isPresent() ? hypervisor.powerChannels(name) : Optional.empty();
    if (info.isEmpty() || domain.isEmpty()) {
      if (m != null) {
        drop(m, "its definition is gone", changes);
      }
      forget(name);
      return;
    }
    VmsSettings vms = running.current().vms();
    boolean wanted = vms.manage().auto() ? domain.get().any() : vms.manage().lists(name);
    if (!wanted) {
      if (m != null) {
        drop(
            m,
            vms.manage().auto()
                ? "its definition names no power channel"
                : "vms.manage does not list it",
            changes);
      }
      forget(name);
      return;
    }
    if (m == null) {
      if (registry.find(name).isPresent()) {
        if (leftToOperator.add(name)) {
          log.info("VM '{}' was added by a command: its channels are left to the operator", name);
        }
        return;
      }
      Vm vm = new Vm(info.get());
      registry.add(vm);
      m = new Managed(vm);
      managed.put(name, m);
      leftToOperator.remove(name);
      changes.add(
          "VM '"
              + name
              + "' managed: "
              + info.get().vcpuCount()
              + " vCPU(s), "
              + info.get().state().statusWord());
    } else {
      m.vm.update(info.get());
    }
    applySettings(m, vms.of(name), changes);
    if (!info.get().active()) {
      if (!m.adopted.isEmpty()) {
        List<Channel> attached = new ArrayList<>(m.adopted);
        monitor.detach(attached);
        m.adopted.clear();
        changes.add(
            "VM '" + name + "' is not running: " + attached.size() + " channel(s) detached");
      }
      return;
    }
    List<String> problems = new ArrayList<>();
    SortedMap<Integer, Path> wantedChannels =
        wantedChannels(name, domain.get(), vms.manage().auto(), problems);
    report(name, problems);
    removeUnwanted(m, wantedChannels, changes);
    adoptWanted(m, wantedChannels, changes);
  }

  /** The channels VM {@code name} should have: number to socket. */
  private SortedMap<Integer, Path> wantedChannels(
      String name, DomainChannels domain, boolean auto, List<String> problems) {
    SortedMap<Integer, Path> wanted = new TreeMap<>();
    ChannelRules.Rules r = rules.current();
    problems.addAll(domain.problems());
    if (domain.channels().isEmpty() && !auto) {
      try {
        ChannelFolder.Scan scan = folder.scan(name);
        wanted.putAll(scan.sockets());
        for (ChannelResult skipped : scan.skipped()) {
          problems.add(skipped.message() + " (in " + r.folder() + ")");
        }
      } catch (CommandException e) {
        problems.add(e.getMessage());
      }
      return wanted;
    }
    for (DomainChannel c : domain.channels()) {
      if (c.number() >= r.maxPerVm()) {
        problems.add(
            "channel "
                + c.number()
                + " at "
                + c.path()
                + " refused: channel numbers run 0-"
                + (r.maxPerVm() - 1)
                + " (channels.max-per-vm)");
      } else if (!r.pathAllowed(c.path())) {
        problems.add(
            "channel "
                + c.number()
                + " at "
                + c.path()
                + " refused: not inside an allowed channel folder "
                + r.folders()
                + " (channels.folder, channels.allowed-folders)");
      } else {
        wanted.put(c.number(), c.path());
      }
    }
    return wanted;
  }

  private void removeUnwanted(Managed m, Map<Integer, Path> wanted, List<String> changes)
      throws Exception {
    List<Channel> gone = new ArrayList<>();
    for (Channel c : m.vm.channels().values()) {
      Path p = wanted.get(c.number());
      if (p == null || !p.equals(c.path())) {
        gone.add(c);
      }
    }
    if (gone.isEmpty()) {
      return;
    }
    monitor.detach(gone);
    for (Channel c : gone) {
      m.vm.removeChannel(c.number());
      m.adopted.remove(c);
      changes.add("Channel " + c + " (" + c.path() + "): removed, no longer in the definition");
    }
  }

  private void adoptWanted(Managed m, Map<Integer, Path> wanted, List<String> changes)
      throws Exception {
    List<Channel> adopt = new ArrayList<>();
    for (Map.Entry<Integer, Path> e : wanted.entrySet()) {
      Channel c = m.vm.channel(e.getKey());
      if (c == null) {
        c = m.vm.addChannel(e.getKey(), e.getValue());
        if (m.settings.channelDisabled(c.number())) {
          c.stateMachine().fire(ChannelEvent.DISABLE);
        }
      }
      if (!m.adopted.contains(c)) {
        adopt.add(c);
      }
    }
    if (adopt.isEmpty()) {
      return;
    }
    monitor.adopt(adopt);
    for (Channel c : adopt) {
      m.adopted.add(c);
      changes.add(
          "Channel "
              + c
              + " ("
              + c.path()
              + "): "
              + c.state()
              + (c.lastError().isEmpty() ? "" : " (" + c.lastError() + "; trying again)"));
    }
  }

  /** Applies what changed in the VM's settings (all of them the first time). */
  private void applySettings(Managed m, VmSettings s, List<String> changes) {
    VmSettings before = m.settings;
    m.settings = s;
    if (before == null ? s.queries() : before.queries() != s.queries()) {
      m.vm.queryEnabled(s.queries());
      changes.add("VM '" + m.vm.name() + "': queries " + (s.queries() ? "enabled" : "disabled"));
    }
    if (before == null) {
      return; // channels are disabled as they are added
    }
    for (Channel c : m.vm.channels().values()) {
      boolean was = before.channelDisabled(c.number());
      boolean now = s.channelDisabled(c.number());
      if (was != now) {
        c.stateMachine().fire(now ? ChannelEvent.DISABLE : ChannelEvent.ENABLE);
        changes.add("Channel " + c + ": " + (now ? "disabled" : "enabled"));
      }
    }
  }

  /** Detaches and forgets a VM this reconciler registered. */
  private void drop(Managed m, String why, List<String> changes) throws Exception {
    List<Channel> channels = new ArrayList<>(m.vm.channels().values());
    monitor.detach(channels);
    for (Channel c : channels) {
      m.vm.removeChannel(c.number());
    }
    registry.find(m.vm.name()).filter(v -> v == m.vm).ifPresent(v -> registry.remove(v.name()));
    managed.remove(m.vm.name());
    changes.add(
        "VM '"
            + m.vm.name()
            + "' no longer managed ("
            + why
            + "): "
            + channels.size()
            + " channel(s) detached");
  }

  private void forget(String name) {
    reported.remove(name);
  }

  /** Logs what is refused for VM {@code name} when it differs from what was logged last. */
  private void report(String name, List<String> problems) {
    List<String> before = reported.getOrDefault(name, List.of());
    if (problems.equals(before)) {
      return;
    }
    if (problems.isEmpty()) {
      reported.remove(name);
      log.info("VM '{}': nothing refused any more", name);
      return;
    }
    reported.put(name, List.copyOf(problems));
    for (String p : problems) {
      if (!before.contains(p)) {
        log.warn("VM '{}': {}", name, p);
      }
    }
  }
}
