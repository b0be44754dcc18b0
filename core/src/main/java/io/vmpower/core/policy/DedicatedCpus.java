package io.vmpower.core.policy;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.power.ScaleOutcome;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmFollower;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPUs the configuration dedicates to VMs that no running VM is pinned to: they are parked at their
 * lowest frequency (what Nova's CPU power management does by taking them offline or switching their
 * governor), and raised again before a VM pinned to them starts ({@link #prepare}: libvirt's qemu
 * hook in its "prepare" phase runs {@code prepare_vm}, the simulator announces starts) or is
 * re-pinned onto them ({@code set_pcpu}); when neither told us in time, at once when the start or
 * the re-pin is seen. A raised CPU goes back to the frequency it had when it was parked (the
 * highest one that is not turbo when it had none). Counted and shown in {@code show_policies}.
 *
 * <p>"Used" means: some vCPU of a VM the hypervisor runs may run on it. An unpinned VM may run
 * anywhere, so while one runs no dedicated CPU is parked.
 */
@Singleton
public final class DedicatedCpus implements VmFollower {
  private static final Logger log = LoggerFactory.getLogger(DedicatedCpus.class);

  private final Hypervisor hypervisor;
  private final PowerArbiter arbiter;
  private final CpuFrequencies cpus;
  private final CpuSet dedicated;
  private CpuSet parked = CpuSet.empty();
  private final int[] savedIndex;
  private long lowered;
  private long raised;
  private String problem = "";
  private String lastRaise = "";

  @Inject
  public DedicatedCpus(Hypervisor hypervisor, PowerArbiter arbiter, PolicySettings settings) {
    this.hypervisor = hypervisor;
    this.arbiter = arbiter;
    this.cpus = arbiter.power().frequencies();
    this.dedicated = settings.dedicatedCpus();
    this.savedIndex = new int[Math.max(0, dedicated.last() + 1)];
    Arrays.fill(savedIndex, -1);
  }

  public CpuSet dedicated() {
    return dedicated;
  }

  /** Parks what no running VM uses (at start). */
  public void start() {
    if (!dedicated.isEmpty()) {
      refresh();
    }
  }

  /**
   * What {@code show_policies} shows; {@code lastRaise} says which CPUs were last raised and why
   * (before a start, before a re-pin, or once a running VM was seen on them).
   */
  public record View(
      CpuSet dedicated,
      CpuSet parked,
      long lowered,
      long raised,
      String problem,
      String lastRaise) {}

  public synchronized View view() {
    return new View(dedicated, parked, lowered, raised, problem, lastRaise);
  }

  /**
   * Raises the parked CPUs {@code vm}'s vCPUs are pinned to, before it starts ({@code prepare_vm},
   * the qemu hook's "prepare" phase). Returns the CPUs raised.
   *
   * @throws HypervisorException when the hypervisor cannot say where the VM will run
   */
  public synchronized CpuSet prepare(String vm) throws HypervisorException {
    Optional<VmInfo> info = hypervisor.lookup(vm);
    if (info.isEmpty()) {
      throw new HypervisorException("the hypervisor has no VM '" + vm + "'");
    }
    CpuSet used = CpuSet.empty();
    for (CpuSet p : info.get().pinning()) {
      used = used.union(p);
    }
    return raise(used, "before VM '" + vm + "' started");
  }

  /**
   * Raises the parked CPUs among {@code pcpus}, where VM {@code vm} is about to start (libvirt's
   * qemu hook passes them from the domain XML it has, since a hook must not call back into
   * libvirt).
   */
  public synchronized CpuSet prepare(String vm, CpuSet pcpus) {
    return raise(pcpus, "before VM '" + vm + "' started");
  }

  /** Raises the parked CPUs among {@code pcpus} before a vCPU is pinned onto them. */
  public synchronized CpuSet prepareRepin(String vm, CpuSet pcpus) {
    return raise(pcpus, "before a vCPU of VM '" + vm + "' was pinned onto them");
  }

  private CpuSet raise(CpuSet wanted, String why) {
    CpuSet toRaise = wanted.intersection(parked);
    toRaise.forEach(this::raise);
    if (!toRaise.isEmpty()) {
      lastRaise = toRaise.toListString() + " " + why;
      log.info("raised dedicated CPU(s) {} {}", toRaise.toListString(), why);
    }
    return toRaise;
  }

  private void raise(int cpu) {
    int index =
        cpu < savedIndex.length && savedIndex[cpu] >= 0
            ? savedIndex[cpu]
            : FrequencyLevel.MAX.index(cpus.table(cpu), false);
    if (arbiter.unpark(cpu, index) == ScaleOutcome.FAILED) {
      problem = "raising CPU " + cpu + " failed (see the log)";
    }
    parked = parked.minus(CpuSet.of(cpu));
    raised++;
  }

  /** Parks the dedicated CPUs no running VM uses, raises those one uses again. */
  public synchronized void refresh() {
    if (dedicated.isEmpty()) {
      return;
    }
    CpuSet used = CpuSet.empty();
    try {
      for (String name : hypervisor.vmNames()) {
        Optional<VmInfo> info = hypervisor.lookup(name);
        if (info.isPresent() && info.get().active()) {
          for (CpuSet p : info.get().pinning()) {
            used = used.union(p);
          }
        }
      }
    } catch (HypervisorException e) {
      problem = "cannot tell which CPUs are used: " + e.getMessage();
      log.warn("dedicated CPUs left as they are: {}", problem);
      return;
    }
    problem = "";
    raise(used, "once a running VM was seen pinned to them");
    CpuSet idle = dedicated.minus(used).minus(parked);
    for (int cpu = idle.first(); cpu >= 0; cpu = idle.next(cpu + 1)) {
      if (!arbiter.power().controls(cpu)) {
        continue;
      }
      savedIndex[cpu] = cpus.currentIndex(cpu);
      if (arbiter.park(cpu) == ScaleOutcome.FAILED) {
        problem = "lowering CPU " + cpu + " failed (see the log)";
        continue;
      }
      parked = parked.union(CpuSet.of(cpu));
      lowered++;
    }
    if (!idle.isEmpty()) {
      log.info("lowered dedicated CPU(s) {}: no running VM is pinned to them", idle.toListString());
    }
  }

  @Override
  public void vmStarting(String name) {
    if (dedicated.isEmpty()) {
      return;
    }
    try {
      prepare(name);
    } catch (HypervisorException e) {
      log.warn(
          "cannot raise the dedicated CPUs of VM '{}' before it starts: {}", name, e.getMessage());
    }
  }

  @Override
  public void vmStarted(String name, Vm vm) {
    refresh();
  }

  @Override
  public void vmStopped(String name, Vm vm) {
    refresh();
  }

  @Override
  public void vmChanged(String name, Vm vm) {
    refresh();
  }

  @Override
  public void reconnected() {
    refresh();
  }
}
