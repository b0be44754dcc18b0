package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.host.Views.DedicatedView;
import io.vmpower.core.host.Views.DemandView;
import io.vmpower.core.host.Views.PoliciesView;
import io.vmpower.core.host.Views.PolicyStatsView;
import io.vmpower.core.host.Views.PolicyView;
import io.vmpower.core.host.Views.SamplingView;
import io.vmpower.core.policy.DedicatedCpus;
import io.vmpower.core.policy.PolicyCounters;
import io.vmpower.core.policy.PolicyEngine;
import io.vmpower.core.policy.PolicyParameters;
import io.vmpower.core.policy.PolicySource;
import io.vmpower.core.policy.PolicyText;
import io.vmpower.core.policy.SamplingStats;
import io.vmpower.core.policy.VmPolicy;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.power.ScaleOutcome;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code set_policy}, {@code rm_policy}, {@code set_vm_cap}, {@code prepare_vm} and {@code
 * show_policies}: an operator's policies, caps and dedicated CPUs. Each does what it says or throws
 * a {@link CommandException} that says what was wrong, having changed nothing.
 */
@Singleton
public final class PolicyCommands {
  private static final Logger log = LoggerFactory.getLogger(PolicyCommands.class);

  /** The highest cap accepted, in kHz (100 GHz). */
  public static final long MAX_CAP_KHZ = 100_000_000L;

  private final VmLookup vms;
  private final VmRegistry registry;
  private final PolicyEngine engine;
  private final PowerArbiter arbiter;
  private final DedicatedCpus dedicated;
  private final Clock clock;

  @Inject
  public PolicyCommands(
      VmLookup vms,
      VmRegistry registry,
      PolicyEngine engine,
      PowerArbiter arbiter,
      DedicatedCpus dedicated,
      Clock clock) {
    this.vms = vms;
    this.registry = registry;
    this.engine = engine;
    this.arbiter = arbiter;
    this.dedicated = dedicated;
    this.clock = clock;
  }

  /**
   * {@code set_policy VM KIND [key=value ...]}: replaces the VM's policy (whoever set it) with the
   * operator's; evaluated at once.
   */
  public VmPolicy setPolicy(String name, String kind, Map<String, String> params)
      throws CommandException {
    return install(name, kind, params, PolicySource.OPERATOR);
  }

  /** As {@link #setPolicy}, for a policy from {@code source} (the configuration file). */
  public VmPolicy install(String name, String kind, Map<String, String> params, PolicySource source)
      throws CommandException {
    Vm vm = vms.added(name);
    VmPolicy rule;
    try {
      rule = PolicyParameters.parse(vm, kind, params, source, engine.settings());
    } catch (IllegalArgumentException e) {
      throw new CommandException(e.getMessage(), e);
    }
    String why = engine.unavailable(rule);
    if (why != null) {
      throw new CommandException(why);
    }
    engine.install(vm, rule);
    return rule;
  }

  /** {@code rm_policy VM}: the removed rule. */
  public VmPolicy rmPolicy(String name) throws CommandException {
    vms.added(name);
    VmPolicy removed = engine.remove(name);
    if (removed == null) {
      throw new CommandException("VM '" + name + "' has no policy");
    }
    return removed;
  }

  /**
   * {@code set_vm_cap VM MAX_KHZ}: the VM's demands are clamped to {@code khz} (0 lifts the cap);
   * its pCPUs are decided again at once. Returns the pCPUs of the VM's vCPUs.
   */
  public CpuSet setVmCap(String name, long khz) throws CommandException {
    Vm vm = vms.added(name);
    if (khz < 0 || khz > MAX_CAP_KHZ) {
      throw new CommandException(
          "cap " + khz + " kHz is out of range: use 1-" + MAX_CAP_KHZ + " kHz, or none");
    }
    vm.capKhz(khz);
    if (khz == 0) {
      arbiter.releaseSource(vm, io.vmpower.core.power.DemandSource.CAP, CpuSet.empty());
    }
    arbiter.applyCap(vm);
    log.info("VM '{}': cap {}", name, khz == 0 ? "lifted" : khz + " kHz");
    return PowerArbiter.pinned(vm);
  }

  /**
   * {@code prepare_vm VM [CPUS]}: raises the dedicated CPUs the VM will run on, before it starts
   * (libvirt's qemu hook calls it in its "prepare" phase, with the CPUs of the domain XML: a hook
   * must not call back into libvirt). Without {@code cpus} (null) the hypervisor is asked where the
   * VM will run. Returns the CPUs raised.
   */
  public CpuSet prepareVm(String name, CpuSet cpus) throws CommandException {
    if (name == null || name.isEmpty() || name.contains("/")) {
      throw new CommandException("'" + name + "' is not a VM name");
    }
    if (cpus != null) {
      return dedicated.prepare(name, cpus);
    }
    try {
      return dedicated.prepare(name);
    } catch (HypervisorException e) {
      throw new CommandException(
          "cannot tell where VM '" + name + "' will run: " + e.getMessage(), e);
    }
  }

  /**
   * A scale request for vCPU {@code vcpu} of VM {@code name} made on the VM's behalf (DPDK's JSON
   * {@code power} instruction): the VM's demand, as its guest's request would set it.
   */
  public ScaleOutcome power(String name, int vcpu, ScaleOp op) throws CommandException {
    Vm vm = vms.added(name);
    if (vcpu < 0 || vcpu >= vm.vcpuCount()) {
      throw new CommandException(
          "vCPU " + vcpu + " does not exist (VM '" + name + "' has " + vm.vcpuCount() + " vCPUs)");
    }
    if (vm.policyHolds(vcpu)) {
      throw new CommandException(
          "vCPU " + vcpu + " of VM '" + name + "' is held by its policy (guests=deny)");
    }
    return arbiter.request(vm, vcpu, op);
  }

  /** {@code show_policies [VM]}: every added VM (or one), with the host's policy settings. */
  public PoliciesView showPolicies(String only) throws CommandException {
    List<Vm> list = new ArrayList<>();
    if (only != null) {
      list.add(vms.added(only));
    } else {
      list.addAll(registry.all());
    }
    List<PolicyView> out = new ArrayList<>();
    for (Vm vm : list) {
      out.add(view(vm));
    }
    DedicatedCpus.View d = dedicated.view();
    SamplingStats.Snapshot s = engine.sampling();
    var stats = engine.statistics();
    return new PoliciesView(
        out,
        engine.settings().timeZone().getId(),
        stats.hasBranchCounters() ? "available" : "not available: " + stats.branchCountersMissing(),
        new DedicatedView(
            d.dedicated(), d.parked(), d.lowered(), d.raised(), d.problem(), d.lastRaise()),
        new SamplingView(
            stats.description(),
            s.reads(),
            s.vms(),
            s.failures(),
            s.microsPerVm(),
            s.lastNanos() / 1e6,
            s.minNanos() / 1e6));
  }

  /** {@code show_stats}: the policy counters of every added VM that has or had a policy. */
  public List<PolicyStatsView> policyStats() {
    List<PolicyStatsView> out = new ArrayList<>();
    for (Vm vm : registry.all()) {
      PolicyCounters c = engine.viewCountersOf(vm.name());
      VmPolicy rule = engine.policyOf(vm.name());
      if (rule == null && c.installs() == 0) {
        continue;
      }
      out.add(
          new PolicyStatsView(
              vm.name(),
              rule == null ? "" : rule.policy().kind().word(),
              rule == null ? "" : rule.source().word(),
              c.decisions(),
              c.changes(),
              c.failures(),
              c.installs()));
    }
    return out;
  }

  private PolicyView view(Vm vm) {
    PolicyEngine.Report r = engine.report(vm.name());
    PolicyCounters c = engine.viewCountersOf(vm.name());
    List<DemandView> demands = new ArrayList<>();
    for (PowerArbiter.VmDemand d : arbiter.demandsOf(vm)) {
      demands.add(new DemandView(d.cpu(), d.khz(), d.source().word()));
    }
    if (r == null) {
      return new PolicyView(
          vm.name(),
          "",
          "",
          "",
          vm.capKhz(),
          "",
          "",
          "",
          "",
          "",
          c.decisions(),
          c.changes(),
          c.failures(),
          demands);
    }
    return new PolicyView(
        vm.name(),
        r.rule().policy().kind().word(),
        PolicyText.rule(r.rule()),
        r.rule().source().word(),
        vm.capKhz(),
        r.lastDecisionMillis() == 0 ? "" : r.lastDecision(),
        time(r.lastDecisionMillis()),
        r.measured(),
        r.problem(),
        r.problem().isEmpty() ? "" : time(r.problemSinceMillis()),
        c.decisions(),
        c.changes(),
        c.failures(),
        demands);
  }

  private String time(long millis) {
    if (millis == 0) {
      return "";
    }
    return Instant.ofEpochMilli(millis)
        .truncatedTo(ChronoUnit.MILLIS)
        .atZone(engine.settings().timeZone())
        .toOffsetDateTime()
        .toString();
  }

  /** What reading the VMs' counters cost so far. */
  public SamplingStats.Snapshot sampling() {
    return engine.sampling();
  }

  /** The clock, for front ends that print times relative to now. */
  public Clock clock() {
    return clock;
  }
}
