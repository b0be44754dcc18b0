package io.vmpower.core.policy;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmStatistics;
import io.vmpower.core.power.DemandSource;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies of the host's VMs, one per VM, evaluated on their own period on the HAL clock and
 * never by the channel monitor: each evaluation turns what the policy measures (the hour, packet
 * rates, vCPU busy time) into the VM's demands on its pCPUs, which the {@link PowerArbiter} turns
 * into frequencies, writing only what changes.
 *
 * <p>The engine is passive: {@link #runDue(long)} runs what is due at a time and {@link
 * #nextDueNanos()} says when the next evaluation is due, so one thread can drive it through a
 * simulated day ({@link PolicyScheduler} is the thread that drives it in a running host). When to
 * evaluate:
 *
 * <ul>
 *   <li>every policy at once when it is installed, and when its VM starts or is re-pinned;
 *   <li>{@code busy} and TRAFFIC every period, aligned on multiples of the period so that the VMs
 *       due together are sampled in one {@link VmStatistics#read} call;
 *   <li>TIME at each local hour boundary (and every traffic period within a traffic hour);
 *   <li>WORKLOAD only then: its decision does not change by itself.
 * </ul>
 *
 * A policy whose source fails (VM stopped, interface gone, hypervisor lost) changes nothing: the
 * CPUs keep the last frequency it decided; the failure is counted, logged once and shown.
 */
@Singleton
public final class PolicyEngine {
  private static final Logger log = LoggerFactory.getLogger(PolicyEngine.class);

  /** Above this busy share a vCPU counts as saturated: its pCPUs go to max at once. */
  static final int SATURATED_PERCENT = 99;

  private final VmRegistry registry;
  private final PowerArbiter arbiter;
  private final VmStatistics statistics;
  private final Clock clock;
  private final PolicySettings settings;

  private final Object lock = new Object();
  private final Map<String, PolicyState> states = new TreeMap<>(); // guarded by lock
  private long earliest = Long.MAX_VALUE; // guarded by lock
  private boolean earliestStale; // guarded by lock

  /** Reused by {@link #runDue} (one thread at a time). */
  private final List<PolicyState> due = new ArrayList<>();

  private final Set<String> names = new HashSet<>();
  private final Map<String, PolicyCounters> counters = new ConcurrentHashMap<>();
  private static final PolicyCounters NO_COUNTERS = new PolicyCounters();
  private final SamplingStats sampling = new SamplingStats();
  private volatile Runnable wakeup = () -> {};
  private volatile boolean running;

  /** Reused by busy evaluations (scheduler thread only): demanded index per CPU. */
  private final int[] want;

  private final int[] touched;

  /** Which evaluation last touched each CPU (so a CPU is listed once per evaluation). */
  private final long[] touchedStamp;

  private long evaluationStamp;

  @Inject
  public PolicyEngine(
      VmRegistry registry,
      PowerArbiter arbiter,
      VmStatistics statistics,
      Clock clock,
      PolicySettings settings) {
    this.registry = registry;
    this.arbiter = arbiter;
    this.statistics = statistics;
    this.clock = clock;
    this.settings = settings;
    var f = arbiter.power().frequencies();
    int n = Math.max(f.cpus().last(), f.offlineCpus().last()) + 1;
    this.want = new int[Math.max(n, 0)];
    this.touched = new int[Math.max(n, 0)];
    this.touchedStamp = new long[Math.max(n, 0)];
    registry.onRemoved(this::vmRemoved);
  }

  public PolicySettings settings() {
    return settings;
  }

  public VmStatistics statistics() {
    return statistics;
  }

  /** What wakes the thread that drives the engine when something becomes due earlier. */
  public void onWork(Runnable wakeup) {
    this.wakeup = wakeup == null ? () -> {} : wakeup;
  }

  // ---- installing and removing

  /**
   * Why {@code rule} cannot be installed on this host, or null. BRANCH_RATIO needs per-CPU branch
   * counters, which no backend has.
   */
  public String unavailable(VmPolicy rule) {
    if (rule.policy() instanceof Policy.BranchRatio && !statistics.hasBranchCounters()) {
      return "BRANCH_RATIO is not available: " + statistics.branchCountersMissing();
    }
    return null;
  }

  /**
   * Installs {@code rule} for {@code vm}, replacing its policy, and has it evaluated at once.
   *
   * @throws IllegalArgumentException when the host cannot run it ({@link #unavailable})
   */
  public void install(Vm vm, VmPolicy rule) {
    String why = unavailable(rule);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    PolicyState old;
    synchronized (lock) {
      old = put(vm, rule);
    }
    afterInstall(vm, rule, old);
  }

  /**
   * A guest's PKT_POLICY: installs {@code rule} unless the VM's policy was set by an operator or
   * the configuration ({@link Counter#NACK_POLICY_HELD}).
   */
  public PolicyVerdict installFromGuest(Vm vm, VmPolicy rule) {
    String why = unavailable(rule);
    if (why != null) {
      return new PolicyVerdict(Counter.NACK_POLICY_NO_BRANCH_COUNTERS, why);
    }
    PolicyState old;
    synchronized (lock) {
      PolicyState current = states.get(vm.name());
      if (current != null && current.vm == vm && current.rule.source() != PolicySource.GUEST) {
        return held(vm, current);
      }
      old = put(vm, rule);
    }
    afterInstall(vm, rule, old);
    return PolicyVerdict.ACKED;
  }

  /** A guest's PKT_POLICY_REMOVE: removes a policy a guest set, only. */
  public PolicyVerdict removeFromGuest(Vm vm) {
    PolicyState old;
    synchronized (lock) {
      PolicyState current = states.get(vm.name());
      if (current == null || current.vm != vm) {
        return new PolicyVerdict(
            Counter.NACK_POLICY_NONE, "VM '" + vm.name() + "' has no policy to remove");
      }
      if (current.rule.source() != PolicySource.GUEST) {
        return held(vm, current);
      }
      old = states.remove(vm.name());
      old.installed = false;
      earliestStale = true;
    }
    afterRemove(vm, old);
    return PolicyVerdict.ACKED;
  }

  /** Removes {@code vm}'s policy, whoever set it; the removed rule, or null when it had none. */
  public VmPolicy remove(String vm) {
    PolicyState old;
    synchronized (lock) {
      old = states.remove(vm);
      if (old != null) {
        old.installed = false;
      }
      earliestStale = true;
    }
    if (old == null) {
      return null;
    }
    afterRemove(old.vm, old);
    return old.rule;
  }

  /** {@code vm}'s policy, or null. */
  public VmPolicy policyOf(String vm) {
    synchronized (lock) {
      PolicyState s = states.get(vm);
      return s == null ? null : s.rule;
    }
  }

  /** The VM was removed from the host: its policy, demands and counters go. */
  public void vmRemoved(Vm vm) {
    PolicyState old;
    synchronized (lock) {
      PolicyState s = states.get(vm.name());
      old = s != null && s.vm == vm ? states.remove(vm.name()) : null;
      if (old != null) {
        old.installed = false;
      }
      earliestStale = true;
    }
    if (old != null) {
      retire(old);
    }
    arbiter.releaseAll(vm);
    counters.remove(vm.name());
  }

  private static PolicyVerdict held(Vm vm, PolicyState current) {
    return new PolicyVerdict(
        Counter.NACK_POLICY_HELD,
        "VM '"
            + vm.name()
            + "' runs a "
            + current.rule.policy().kind().word()
            + " policy set by the "
            + current.rule.source().word()
            + "; a guest may not replace or remove it");
  }

  /** Called holding the lock. */
  private PolicyState put(Vm vm, VmPolicy rule) {
    PolicyState s = new PolicyState(vm, rule, clock.nanoTime(), clock.currentTimeMillis());
    s.counters = countersOf(vm.name());
    s.installed = true;
    earliestStale = true;
    PolicyState old = states.put(vm.name(), s);
    if (old != null) {
      old.installed = false;
    }
    return old;
  }

  private void afterInstall(Vm vm, VmPolicy rule, PolicyState old) {
    if (old != null) {
      retire(old);
      // demands the old policy made on CPUs the new one does not control go now
      arbiter.releaseSource(old.vm, DemandSource.POLICY, controlledCpus(vm, rule));
    }
    vm.policyHeld(rule.guests() ? CpuSet.empty() : controlledVcpus(vm, rule));
    countersOf(vm.name()).installed();
    log.info(
        "VM '{}': {} policy installed by the {} ({})",
        vm.name(),
        rule.policy().kind().word(),
        rule.source().word(),
        PolicyText.parameters(rule.policy()));
    wakeup.run();
  }

  private void afterRemove(Vm vm, PolicyState old) {
    retire(old);
    vm.policyHeld(CpuSet.empty());
    arbiter.releaseSource(vm, DemandSource.POLICY, CpuSet.empty());
    countersOf(vm.name()).removed();
    log.info("VM '{}': {} policy removed", vm.name(), old.rule.policy().kind().word());
  }

  private static void retire(PolicyState s) {
    synchronized (s) {
      s.retired = true;
    }
  }

  // ---- events

  /** Has {@code vm}'s policy evaluated at once (it started, or was re-pinned). */
  public void evaluateSoon(String vm, boolean restarted) {
    boolean any;
    synchronized (lock) {
      PolicyState s = states.get(vm);
      any = s != null;
      if (any) {
        s.nextDue = Math.min(s.nextDue, clock.nanoTime());
        earliestStale = true;
        if (restarted) {
          s.restarted = true;
        }
      }
    }
    if (any) {
      wakeup.run();
    }
  }

  // ---- running

  /** When the next evaluation is due, on the clock's nanoTime; {@link Long#MAX_VALUE}: none. */
  public long nextDueNanos() {
    synchronized (lock) {
      if (earliestStale) {
        long next = Long.MAX_VALUE;
        for (PolicyState s : states.values()) {
          next = Math.min(next, s.nextDue);
        }
        earliest = next;
        earliestStale = false;
      }
      return earliest;
    }
  }

  /** Whether nothing is due at {@code nowNanos} and no evaluation runs (for tests and drivers). */
  public boolean idleAt(long nowNanos) {
    return !running && nextDueNanos() > nowNanos;
  }

  /**
   * Runs every evaluation due at {@code nowNanos}: one sample of all the VMs that need one, then
   * each policy in VM name order. Called by one thread at a time.
   */
  public void runDue(long nowNanos) {
    List<PolicyState> due = this.due;
    due.clear();
    synchronized (lock) {
      running = true;
      if (nowNanos < earliest && !earliestStale) {
        running = false;
        return;
      }
      for (PolicyState s : states.values()) {
        if (s.nextDue <= nowNanos) {
          due.add(s);
          s.nextDue = Long.MAX_VALUE;
        }
      }
      earliestStale = true;
    }
    try {
      if (due.isEmpty()) {
        return;
      }
      Set<String> names = this.names;
      names.clear();
      for (PolicyState s : due) {
        if (needsSample(s)) {
          names.add(s.vm.name());
        }
      }
      Map<String, VmCounters> sample = Map.of();
      String failure = null;
      if (!names.isEmpty()) {
        long t0 = System.nanoTime();
        try {
          sample = statistics.read(names);
        } catch (HypervisorException | RuntimeException e) {
          failure = "cannot read the VM's counters: " + e.getMessage();
        } finally {
          sampling.record(names.size(), System.nanoTime() - t0, failure != null);
        }
      }
      for (PolicyState s : due) {
        synchronized (s) {
          if (s.retired) {
            s.computedDue = Long.MAX_VALUE;
            continue;
          }
          try {
            s.computedDue = evaluate(s, nowNanos, sample, failure);
          } catch (RuntimeException e) {
            log.error("VM '{}': policy evaluation failed: {}", s.vm.name(), e.toString(), e);
            fail(s, "evaluation failed: " + e);
            s.computedDue = nowNanos + 1_000_000_000L;
          }
        }
      }
      synchronized (lock) {
        for (PolicyState s : due) {
          if (s.installed) {
            s.nextDue = Math.min(s.nextDue, s.computedDue); // an event may have made it due
          }
        }
        earliestStale = true;
      }
    } finally {
      due.clear();
      running = false;
    }
  }

  private boolean needsSample(PolicyState s) {
    Policy p = s.rule.policy();
    if (p instanceof Policy.Busy || p instanceof Policy.Traffic) {
      return true;
    }
    if (p instanceof Policy.Time t) {
      return t.trafficHours().contains(TimeOfDay.hour(clock, settings.timeZone()));
    }
    return false;
  }

  /** One evaluation; returns when the next one is due. */
  private long evaluate(PolicyState s, long now, Map<String, VmCounters> sample, String failure) {
    if (s.restarted) {
      s.restarted = false;
      s.resetBaselines();
    }
    Policy p = s.rule.policy();
    Vm vm = s.vm;
    if (!vm.state().isActive()) {
      fail(s, "VM '" + vm.name() + "' is not running");
      return Long.MAX_VALUE; // its start makes it due
    }
    if (p instanceof Policy.Workload w) {
      applyLevel(s, w.level(), "workload " + w.levelWord());
      return Long.MAX_VALUE;
    }
    if (p instanceof Policy.Time t) {
      int hour = TimeOfDay.hour(clock, settings.timeZone());
      long nextHour = TimeOfDay.nextHourNanos(clock, settings.timeZone());
      if (t.busyHours().contains(hour)) {
        applyLevel(s, FrequencyLevel.MAX, "busy hour " + hour);
      } else if (t.quietHours().contains(hour)) {
        applyLevel(s, FrequencyLevel.MIN, "quiet hour " + hour);
      } else if (t.trafficHours().contains(hour)) {
        traffic(s, t.traffic(), sample, failure, "traffic hour " + hour + ": ");
        return Math.min(nextHour, aligned(now, t.traffic().period().toNanos()));
      } else {
        s.resetBaselines();
        arbiter.releaseSource(vm, DemandSource.POLICY, CpuSet.empty());
        decided(s, "hour " + hour + ": no demand", false);
      }
      return nextHour;
    }
    if (p instanceof Policy.Traffic t) {
      traffic(s, t, sample, failure, "");
      return aligned(now, t.period().toNanos());
    }
    if (p instanceof Policy.Busy b) {
      busy(s, b, now, sample, failure);
      return aligned(now, b.period().toNanos());
    }
    fail(s, unavailable(s.rule));
    return Long.MAX_VALUE;
  }

  /** The first multiple of {@code period} after {@code now}. */
  static long aligned(long now, long period) {
    return (Math.floorDiv(now, period) + 1) * period;
  }

  // ---- WORKLOAD, TIME: a level on every controlled vCPU's pCPUs

  private void applyLevel(PolicyState s, FrequencyLevel level, String why) {
    Vm vm = s.vm;
    CpuSet cpus = controlledCpus(vm, s.rule);
    boolean changed = false;
    List<Integer> failed = new ArrayList<>();
    for (int cpu = cpus.first(); cpu >= 0; cpu = cpus.next(cpu + 1)) {
      switch (arbiter.demand(vm, cpu, level)) {
        case CHANGED -> changed = true;
        case FAILED -> failed.add(cpu);
        case UNCHANGED -> {}
      }
    }
    if (!failed.isEmpty()) {
      fail(s, "setting " + level.word() + " failed on pCPU(s) " + failed);
      return;
    }
    decided(s, why + ": " + level.word() + " on pCPU(s) " + cpus.toListString(), changed);
  }

  // ---- TRAFFIC

  private void traffic(
      PolicyState s,
      Policy.Traffic t,
      Map<String, VmCounters> sample,
      String failure,
      String prefix) {
    if (failure != null) {
      fail(s, failure);
      return;
    }
    VmCounters c = sample.get(s.vm.name());
    if (c == null) {
      fail(s, "VM '" + s.vm.name() + "' is not running (no counters)");
      return;
    }
    long sum = 0;
    for (var mac : t.macs()) {
      var ic = c.find(mac);
      if (ic == null) {
        fail(s, "interface " + mac + " of VM '" + s.vm.name() + "' is gone");
        return;
      }
      sum += ic.rxPackets();
    }
    if (s.lastRx < 0 || sum < s.lastRx || c.atNanos() <= s.lastRxAt) {
      s.lastRx = sum;
      s.lastRxAt = c.atNanos();
      recovered(s);
      s.measured = "measuring packet rate";
      return;
    }
    long pps = Math.round((sum - s.lastRx) * 1e9 / (c.atNanos() - s.lastRxAt));
    s.lastRx = sum;
    s.lastRxAt = c.atNanos();
    s.measured = pps + " packets/s";
    FrequencyLevel level =
        pps >= t.maxPps()
            ? FrequencyLevel.MAX
            : pps >= t.avgPps() ? FrequencyLevel.MEDIUM : FrequencyLevel.MIN;
    applyLevel(s, level, prefix + pps + " packets/s");
  }

  // ---- busy

  private void busy(
      PolicyState s, Policy.Busy b, long now, Map<String, VmCounters> sample, String failure) {
    if (failure != null) {
      fail(s, failure);
      return;
    }
    Vm vm = s.vm;
    VmCounters c = sample.get(vm.name());
    if (c == null) {
      fail(s, "VM '" + vm.name() + "' is not running (no counters)");
      return;
    }
    long[] times = c.vcpuTimeNanos();
    long[] waits = c.vcpuWaitNanos();
    int n = Math.min(vm.vcpuCount(), times.length);
    long dt = c.atNanos() - s.lastVcpuAt;
    if (s.lastVcpuTime == null || s.lastVcpuTime.length != times.length || dt <= 0) {
      baseline(s, c);
      recovered(s);
      s.measured = "measuring busy time";
      return;
    }
    if (s.lastChangeAt == null || s.lastChangeAt.length != n) {
      s.lastChangeAt = new long[n];
      java.util.Arrays.fill(s.lastChangeAt, Long.MIN_VALUE / 2);
    }
    if (s.busyPercent == null || s.busyPercent.length != n) {
      s.busyPercent = new int[n];
    }
    for (int v = 0; v < n; v++) {
      if (times[v] < s.lastVcpuTime[v] || waits[v] < s.lastVcpuWait[v]) { // restarted meanwhile
        baseline(s, c);
        return;
      }
    }
    var freqs = arbiter.power().frequencies();
    int touchedCount = 0;
    long stamp = ++evaluationStamp;
    long cooldown = b.cooldown().toNanos();
    for (int v = 0; v < n; v++) {
      long wanted = times[v] - s.lastVcpuTime[v] + waits[v] - s.lastVcpuWait[v];
      int pct = (int) Math.min(100, Math.round(wanted * 100.0 / dt));
      s.busyPercent[v] = pct;
      if (!s.rule.controls(v, vm.vcpuCount())
          || Math.abs(pct - b.targetPercent()) <= b.bandPercent()
          || now - s.lastChangeAt[v] < cooldown) {
        continue;
      }
      var pins = vm.pinning(v);
      for (int cpu = pins.first(); cpu >= 0; cpu = pins.next(cpu + 1)) {
        if (!arbiter.power().controls(cpu) || cpu >= want.length) {
          continue;
        }
        var table = freqs.table(cpu);
        int idx;
        if (pct >= SATURATED_PERCENT) {
          idx = FrequencyLevel.MAX.index(table, freqs.turboEnabled(cpu));
        } else {
          double desired = table.get(freqs.currentIndex(cpu)) * (double) pct / b.targetPercent();
          idx = lowestAtOrAbove(table, desired, freqs.turboEnabled(cpu));
        }
        if (touchedStamp[cpu] != stamp) {
          touchedStamp[cpu] = stamp;
          touched[touchedCount++] = cpu;
          want[cpu] = idx;
        } else if (idx < want[cpu]) {
          want[cpu] = idx;
        }
      }
    }
    // a reading's arrays are its own and never change: kept, not copied
    s.lastVcpuTime = times;
    s.lastVcpuWait = waits;
    s.lastVcpuAt = c.atNanos();
    boolean changed = false;
    List<Integer> failed = null;
    StringBuilder what = null;
    for (int k = 0; k < touchedCount; k++) {
      int cpu = touched[k];
      if (freqs.currentIndex(cpu) == want[cpu]) {
        continue; // already there: nothing to decide (a stale demand is re-asserted when it shows)
      }
      switch (arbiter.demand(vm, cpu, want[cpu])) {
        case CHANGED -> {
          changed = true;
          markChanged(s, vm, cpu, now);
          if (what == null) {
            what = new StringBuilder();
          } else {
            what.append(", ");
          }
          what.append("pCPU ")
              .append(cpu)
              .append(" -> ")
              .append(freqs.table(cpu).get(freqs.currentIndex(cpu)));
        }
        case FAILED -> {
          if (failed == null) {
            failed = new ArrayList<>();
          }
          failed.add(cpu);
        }
        case UNCHANGED -> {}
      }
    }
    if (failed != null) {
      fail(s, "frequency writes failed on pCPU(s) " + failed);
      return;
    }
    if (changed) {
      decided(s, "busy " + busyText(s.busyPercent) + ": " + what + " kHz", true);
    } else {
      decided(s, null, false);
    }
  }

  private static void markChanged(PolicyState s, Vm vm, int cpu, long now) {
    for (int v = 0; v < s.lastChangeAt.length; v++) {
      if (vm.pinning(v).contains(cpu)) {
        s.lastChangeAt[v] = now;
      }
    }
  }

  private static void baseline(PolicyState s, VmCounters c) {
    s.lastVcpuTime = c.vcpuTimeNanos();
    s.lastVcpuWait = c.vcpuWaitNanos();
    s.lastVcpuAt = c.atNanos();
  }

  /** The lowest-frequency entry at or above {@code khz} (max when none is). */
  static int lowestAtOrAbove(io.vmpower.core.hal.FrequencyTable table, double khz, boolean turbo) {
    int max = FrequencyLevel.MAX.index(table, turbo);
    for (int i = table.lowestIndex(); i > max; i--) {
      if (table.get(i) >= khz) {
        return i;
      }
    }
    return max;
  }

  static String busyText(int[] pct) {
    StringBuilder sb = new StringBuilder();
    for (int v = 0; v < pct.length; v++) {
      if (v > 0) {
        sb.append(' ');
      }
      sb.append(pct[v]).append('%');
    }
    return sb.toString();
  }

  // ---- outcomes

  private void decided(PolicyState s, String what, boolean changed) {
    recovered(s);
    if (what != null) {
      s.lastDecision = what;
    } else if (s.lastDecision.equals("none yet")) {
      s.lastDecision = "within the band";
    }
    s.lastDecisionMillis = clock.currentTimeMillis();
    s.counters.decided(changed);
    if (changed && log.isDebugEnabled()) {
      log.debug("VM '{}': {}", s.vm.name(), s.lastDecision);
    }
  }

  private void fail(PolicyState s, String why) {
    s.counters.failed();
    if (!why.equals(s.problem)) {
      if (s.problem.isEmpty()) {
        s.problemSinceMillis = clock.currentTimeMillis();
      }
      s.problem = why;
      log.warn(
          "VM '{}': {} policy holds the last frequency it decided: {}",
          s.vm.name(),
          s.rule.policy().kind().word(),
          why);
    }
  }

  private static void recovered(PolicyState s) {
    if (!s.problem.isEmpty()) {
      log.info(
          "VM '{}': {} policy decides again ({} is over)",
          s.vm.name(),
          s.rule.policy().kind().word(),
          s.problem);
      s.problem = "";
    }
  }

  // ---- what a policy controls

  /** The vCPUs of {@code vm} that {@code rule} controls. */
  static CpuSet controlledVcpus(Vm vm, VmPolicy rule) {
    List<Integer> list = new ArrayList<>();
    for (int v = 0; v < vm.vcpuCount(); v++) {
      if (rule.controls(v, vm.vcpuCount())) {
        list.add(v);
      }
    }
    return CpuSet.of(list.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The pCPUs of the vCPUs {@code rule} controls. */
  static CpuSet controlledCpus(Vm vm, VmPolicy rule) {
    CpuSet cpus = CpuSet.empty();
    for (int v = 0; v < vm.vcpuCount(); v++) {
      if (rule.controls(v, vm.vcpuCount())) {
        cpus = cpus.union(vm.pinning(v));
      }
    }
    return cpus;
  }

  // ---- views

  public PolicyCounters countersOf(String vm) {
    return counters.computeIfAbsent(vm, k -> new PolicyCounters());
  }

  /** {@code vm}'s counters for a view: all zero when it never had a policy (none is made). */
  public PolicyCounters viewCountersOf(String vm) {
    PolicyCounters c = counters.get(vm);
    return c != null ? c : NO_COUNTERS;
  }

  public SamplingStats.Snapshot sampling() {
    return sampling.snapshot();
  }

  /** What {@code show_policies} shows of one VM's policy. */
  public record Report(
      VmPolicy rule,
      long installedMillis,
      String lastDecision,
      long lastDecisionMillis,
      String problem,
      long problemSinceMillis,
      String measured,
      long nextDueNanos) {}

  /** The report of {@code vm}'s policy, or null when it has none. */
  public Report report(String vm) {
    PolicyState s;
    long next;
    synchronized (lock) {
      s = states.get(vm);
      if (s == null) {
        return null;
      }
      next = s.nextDue;
    }
    String measured = s.measured;
    int[] pct = s.busyPercent;
    if (s.rule.policy() instanceof Policy.Busy && pct != null) {
      measured = "busy " + busyText(pct.clone());
    }
    return new Report(
        s.rule,
        s.installedMillis,
        s.lastDecision,
        s.lastDecisionMillis,
        s.problem,
        s.problemSinceMillis,
        measured,
        next);
  }
}
