package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.InterfaceCounters;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A virtual host: physical CPUs with frequency tables, VMs with pinned vCPUs and channels, a clock,
 * and the faults a real host can have. The simulated HAL objects ({@link SimulatedCpuFrequencies},
 * {@link SimulatedHypervisor}, {@link SimulatedChannelTransport}, {@link SimulatedClock}, {@link
 * SimulatedQemuSockets}) are views of one host. This class is the one entry point: it holds the
 * lock and the event plumbing, and its parts keep the state ({@link SimulatedCpus}, {@link
 * SimulatedVms}, {@link SimulatedChannels}).
 *
 * <p>The "driver" methods do what the real world does by itself ({@link #repin}, {@link #startVm},
 * {@link #stopVm}, {@link #undefineVm}, {@link #hangUp}, {@link #offline}, {@link #advance}, {@link
 * #load}, {@link #packetRate}, ...) and produce the same events a real backend would. A start is
 * announced first ({@code VmStarting}, waited for), which libvirt cannot do by itself. What the
 * host measures of its VMs (vCPU busy time, packets received) is integrated over the clock ({@link
 * SimulatedLoads}) and read through {@link SimulatedVmStatistics}. Hypervisor events go to
 * listeners on a dedicated daemon thread, in order; a driver method returns once its events have
 * been delivered (except when called from a listener), so tests need not wait. Events caused
 * through {@link SimulatedHypervisor#pin} are not waited for: use {@link #awaitEvents()}. While the
 * hypervisor is unreachable ({@link #hypervisorUnreachable}) VM events are lost, as with a broken
 * libvirt connection; {@link HypervisorEvent.ConnectionRestored} tells listeners to re-read
 * everything.
 *
 * <p>Thread-safe: one lock guards all state; listeners are called without it.
 */
public final class SimulatedHost implements AutoCloseable {
  private static final String UNREACHABLE = "simulated hypervisor unreachable";

  final ReentrantLock lock = new ReentrantLock();

  /** Signalled on every change a waiter may care about (channel bytes, hang-ups, wake-ups). */
  final Condition changed = lock.newCondition();

  // the parts, guarded by the lock
  final SimulatedCpus cpus;
  private final SimulatedVms vms;
  private final SimulatedChannels channels;
  private final SimulatedLoads loads;
  private final SimulatedEnergy energy;

  private final Path channelDir;
  private final SimulatedClock clock;
  private final SimulatedEventDispatcher events = new SimulatedEventDispatcher();
  private final List<SimulatedHostObserver> observers = new CopyOnWriteArrayList<>();
  private boolean reachable = true;

  /** A host from a scenario with a {@link SimulatedClock#manual()} clock. */
  public SimulatedHost(Scenario scenario, Path channelDir) {
    this(scenario, channelDir, SimulatedClock.manual());
  }

  /**
   * A host from a scenario.
   *
   * @param channelDir the channel folder: host ends are {@code {channelDir}/{vm}.{n}}
   * @throws ScenarioException when the scenario is wrong
   */
  public SimulatedHost(Scenario scenario, Path channelDir, SimulatedClock clock) {
    ScenarioResolver.Plan plan = ScenarioResolver.resolve(scenario, "scenario");
    this.channelDir = Objects.requireNonNull(channelDir, "channelDir");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cpus = new SimulatedCpus(plan.cpus());
    this.energy =
        new SimulatedEnergy(
            new SimulatedEnergyModel(plan.cpus(), plan.energy()),
            clock,
            plan.energy().packages(),
            plan.energy().rangeMicrojoules());
    cpus.energy = energy;
    this.vms = new SimulatedVms(cpus, channelDir);
    this.channels = new SimulatedChannels(this);
    this.loads = new SimulatedLoads(cpus, clock.nanoTime());
    energy.loadBusy(busy -> loads.cpuBusy(vms.all(), busy));
    cpus.beforeLoadChange(this::integrateLocked);
    for (ScenarioResolver.VmPlan vm : plan.vms()) {
      channels.add(vms.add(vm));
    }
    clock.onAdvance(this::clockAdvanced);
  }

  public Path channelDir() {
    return channelDir;
  }

  /** The host end of a channel: {@code {channelDir}/{vm}.{n}}. */
  public Path channelPath(String vm, int channel) {
    return channelDir.resolve(vm + "." + channel);
  }

  public SimulatedClock clock() {
    return clock;
  }

  public int cpuCount() {
    return cpus.count();
  }

  /** Moves the clock ahead; wakes a waiting {@link SimulatedChannelTransport#await}. */
  public void advance(Duration by) {
    clock.advance(by);
  }

  // ---- CPUs: inspection ----

  /** The frequency {@code cpu} runs at now, in kHz. */
  public long frequencyKhz(int cpu) {
    return cpuState(cpu).khz();
  }

  /** The table index {@code cpu} is set to now. */
  public int frequencyIndex(int cpu) {
    return cpuState(cpu).index();
  }

  public boolean turboEnabled(int cpu) {
    return cpuState(cpu).turboEnabled();
  }

  public String governor(int cpu) {
    return cpuState(cpu).governor();
  }

  public SimulatedCpuState cpuState(int cpu) {
    return locked(() -> cpus.state(cpu));
  }

  /** Every CPU's state, in CPU order. */
  public List<SimulatedCpuState> cpuStates() {
    return locked(cpus::states);
  }

  /** Successful frequency writes, oldest first (the last 65536). */
  public List<SimulatedFrequencyWrite> frequencyWrites() {
    return locked(cpus::writes);
  }

  /** How many frequency writes succeeded since the start (or {@link #clearFrequencyWrites}). */
  public long frequencyWriteCount() {
    return locked(cpus::writeCount);
  }

  public void clearFrequencyWrites() {
    locked(cpus::clearWrites);
  }

  // ---- CPUs: drivers and faults ----

  /** Takes a CPU offline: it leaves {@code cpus()} and its writes fail. */
  public void offline(int cpu) {
    locked(() -> cpus.setOnline(cpu, false));
  }

  public void online(int cpu) {
    locked(() -> cpus.setOnline(cpu, true));
  }

  /**
   * Every write to {@code cpu} fails with {@code cpuN: write scaling_setspeed failed: REASON} until
   * {@link #clearFaults()}.
   */
  public void failFrequencyWrites(int cpu, String reason) {
    locked(() -> cpus.failAlways(cpu, reason));
  }

  /** The next write to {@code cpu} fails (once), as {@link #failFrequencyWrites}. */
  public void failNextFrequencyWrite(int cpu, String reason) {
    locked(() -> cpus.failNext(cpu, reason));
  }

  public void clearFaults() {
    locked(cpus::clearFaults);
  }

  /**
   * Someone else sets {@code cpu}'s frequency (an operator's {@code echo} to {@code
   * scaling_setspeed}): not a write of the HAL, so not logged as one; the drift check sees it.
   *
   * @throws IllegalArgumentException when {@code khz} is not an entry of the CPU's table
   */
  public void setFrequencyExternally(int cpu, long khz) {
    locked(
        () -> {
          SimulatedCpus.Cpu c = cpus.get(cpu);
          int index = c.table.indexOf(khz);
          if (index < 0) {
            throw new IllegalArgumentException(
                khz + " kHz is not in cpu" + cpu + "'s table (" + c.table + ")");
          }
          cpus.beforeChange();
          c.index = index;
        });
  }

  // ---- energy ----

  /** The energy model the host integrates (watts per CPU and frequency, busy and idle). */
  public SimulatedEnergyModel energyModel() {
    return energy.model();
  }

  /**
   * From now on {@code cpu} is busy {@code fraction} of the time (0 idle, the default, to 1) while
   * no vCPU with a load ({@link #load}) is pinned to it: what it draws follows the energy model. A
   * CPU with loaded vCPUs is as busy as their loads make it.
   */
  public void setCpuBusy(int cpu, double fraction) {
    locked(
        () -> {
          cpus.get(cpu);
          energy.busy(cpus, cpu, fraction);
        });
  }

  /**
   * The busy fraction {@code cpu} runs at now: the larger of what {@link #setCpuBusy} set and what
   * the vCPUs running on it keep it busy ({@link SimulatedLoads#cpuBusy}).
   */
  public double cpuBusy(int cpu) {
    return locked(() -> energy.effectiveBusy(cpus.get(cpu).number));
  }

  /** The CPU packages (sockets) of the energy model. */
  public int energyPackages() {
    return energy.packages();
  }

  /** The CPUs of package {@code pkg}. */
  public CpuSet energyPackageCpus(int pkg) {
    return energy.cpus(pkg);
  }

  /** The energy package {@code pkg} drew since the start, in joules (exact, not wrapped). */
  public double energyJoules(int pkg) {
    return locked(() -> energy.microjoules(cpus, pkg) / 1e6);
  }

  /** Package {@code pkg}'s counter as RAPL shows it: whole µJ, back to 0 at its range. */
  long energyCounter(int pkg) {
    return locked(() -> energy.counter(cpus, pkg));
  }

  long energyRange() {
    return energy.rangeMicrojoules();
  }

  /** Someone else switches {@code cpu}'s governor (the drift check sees it). */
  public void setGovernorExternally(int cpu, String governor) {
    if (governor == null || governor.isBlank()) {
      throw new IllegalArgumentException("give a governor name, e.g. ondemand");
    }
    locked(() -> cpus.get(cpu).governor = governor);
  }

  /**
   * Makes the hypervisor unreachable (its calls throw HypervisorException, listeners get {@link
   * HypervisorEvent.ConnectionLost}) or reachable again ({@link
   * HypervisorEvent.ConnectionRestored}). Nothing happens when it is already so.
   */
  public void hypervisorUnreachable(boolean unreachable) {
    lock.lock();
    try {
      if (reachable != unreachable) {
        return;
      }
      reachable = !unreachable;
    } finally {
      lock.unlock();
    }
    events.publishAndWait(
        List.of(
            unreachable
                ? new HypervisorEvent.ConnectionLost(UNREACHABLE)
                : new HypervisorEvent.ConnectionRestored()));
  }

  public boolean hypervisorReachable() {
    return locked(() -> reachable);
  }

  // ---- VMs ----

  public List<String> vmNames() {
    return locked(vms::names);
  }

  public VmState vmState(String vm) {
    return locked(() -> SimulatedVms.state(vms.require(vm)));
  }

  /** The VM's channel numbers, ascending. */
  public List<Integer> channels(String vm) {
    return locked(() -> List.copyOf(vms.require(vm).channels.keySet()));
  }

  /** Where {@code vcpu} of {@code vm} may run: its pinning, or every host CPU when unpinned. */
  public CpuSet pinning(String vm, int vcpu) {
    return locked(() -> vms.pinning(vm, vcpu));
  }

  /** Defines a new VM, shut off, unpinned, with these channels. Fires {@code VmChanged}. */
  public void defineVm(String name, int vcpus, int... channels) {
    List<Integer> list = Arrays.stream(channels).boxed().toList();
    defineVm(new Scenario.Vm(name, "shut_off", vcpus, null, list, null, null, null));
  }

  /**
   * Defines a new VM as a scenario entry describes it; one that is {@code running} is started too.
   * Fires {@code VmChanged} (and {@code VmStarted}).
   */
  public void defineVm(Scenario.Vm spec) {
    boolean deliver;
    SimulatedVm vm;
    ScenarioResolver.VmPlan plan = ScenarioResolver.resolveVm(spec, cpus.count(), "defineVm");
    if (plan.running()) {
      lock.lock();
      try {
        if (vms.find(plan.name()) != null) {
          throw new IllegalArgumentException("VM '" + plan.name() + "' is already defined");
        }
        deliver = reachable;
      } finally {
        lock.unlock();
      }
      deliver(deliver, List.of(new HypervisorEvent.VmStarting(plan.name())));
    }
    lock.lock();
    try {
      integrateLocked();
      vm = vms.add(plan);
      channels.add(vm);
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    List<HypervisorEvent> out = new ArrayList<>();
    out.add(new HypervisorEvent.VmChanged(vm.name));
    if (vm.running) {
      forEachObserver(o -> o.vmStarted(vm.name));
      out.add(new HypervisorEvent.VmStarted(vm.name));
    }
    deliver(deliver, out);
  }

  /**
   * Removes a shut-off VM's definition, as {@code virsh undefine} does. Fires {@code VmChanged}.
   *
   * @throws IllegalStateException when the VM runs
   */
  public void undefineVm(String vm) {
    boolean deliver;
    lock.lock();
    try {
      SimulatedVm v = vms.require(vm);
      vms.remove(v);
      channels.remove(v);
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    deliver(deliver, List.of(new HypervisorEvent.VmChanged(vm)));
  }

  /**
   * Starts a shut-off VM: its channels can be attached again ({@code onAttachable} for each). Fires
   * {@code VmStarted}.
   */
  public void startVm(String vm) {
    boolean deliver;
    lock.lock();
    try {
      SimulatedVm v = vms.require(vm);
      if (v.running) {
        throw new IllegalStateException("VM '" + vm + "' is already running");
      }
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    deliver(deliver, List.of(new HypervisorEvent.VmStarting(vm)));
    lock.lock();
    try {
      integrateLocked();
      SimulatedVm v = vms.require(vm);
      vms.start(v);
      SimulatedLoads.reset(v);
      deliver = reachable;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    forEachObserver(o -> o.vmStarted(vm));
    deliver(deliver, List.of(new HypervisorEvent.VmStarted(vm)));
  }

  /**
   * Stops a running VM (QEMU exits): every attached host end of its channels reads what it had
   * received, then end-of-file; guest bytes no host end had received and host bytes the guest had
   * not read are dropped. Fires {@code VmStopped}.
   */
  public void stopVm(String vm) {
    boolean deliver;
    lock.lock();
    try {
      SimulatedVm v = vms.require(vm);
      integrateLocked();
      vms.stop(v);
      SimulatedChannels.vmStopped(v);
      deliver = reachable;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    forEachObserver(o -> o.vmStopped(vm));
    deliver(deliver, List.of(new HypervisorEvent.VmStopped(vm)));
  }

  /**
   * Re-pins a vCPU as someone else would ({@code virsh vcpupin}). Fires {@code PinningChanged}.
   *
   * @throws IllegalArgumentException when the VM, the vCPU or a pCPU does not exist
   */
  public void repin(String vm, int vcpu, CpuSet pcpus) {
    boolean deliver;
    lock.lock();
    try {
      String problem = vms.pinProblem(vm, vcpu, pcpus);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      integrateLocked();
      vms.pin(vm, vcpu, pcpus);
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    deliver(deliver, List.of(new HypervisorEvent.PinningChanged(vm)));
  }

  // ---- what the host measures of its VMs

  /**
   * vCPU {@code vcpu} of {@code vm} is busy {@code percent} % of the time at its pCPU's highest
   * non-turbo frequency, from now on (busier at lower frequencies, see {@link SimulatedLoads}).
   */
  public void load(String vm, int vcpu, double percent) {
    if (Double.isNaN(percent) || percent < 0 || percent > 100) {
      throw new IllegalArgumentException(percent + " is not a busy share; use 0-100 %");
    }
    locked(
        () -> {
          SimulatedVm v = vms.require(vm);
          if (vcpu < 0 || vcpu >= v.vcpus()) {
            throw new IllegalArgumentException(
                "vCPU " + vcpu + " does not exist (VM '" + vm + "' has " + v.vcpus() + ")");
          }
          integrateLocked();
          v.load[vcpu] = percent;
        });
  }

  /**
   * The interface {@code mac} of {@code vm} receives {@code pps} packets per second from now on.
   */
  public void packetRate(String vm, MacAddress mac, long pps) {
    if (pps < 0) {
      throw new IllegalArgumentException(pps + " is not a rate; use packets per second >= 0");
    }
    locked(
        () -> {
          SimulatedInterface i = SimulatedVms.iface(vms.require(vm), mac);
          integrateLocked();
          i.rxPps = pps;
        });
  }

  /** Adds an interface to {@code vm} (device null: the next vnetN). Fires {@code VmChanged}. */
  public void plugInterface(String vm, MacAddress mac, String device) {
    boolean deliver;
    lock.lock();
    try {
      SimulatedVm v = vms.require(vm);
      integrateLocked();
      vms.plug(v, mac, device);
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    deliver(deliver, List.of(new HypervisorEvent.VmChanged(vm)));
  }

  /** Removes the interface {@code mac} of {@code vm} (a hot-unplug). Fires {@code VmChanged}. */
  public void unplugInterface(String vm, MacAddress mac) {
    boolean deliver;
    lock.lock();
    try {
      SimulatedVm v = vms.require(vm);
      integrateLocked();
      v.interfaces.remove(SimulatedVms.iface(v, mac));
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    deliver(deliver, List.of(new HypervisorEvent.VmChanged(vm)));
  }

  /** The number of vCPUs of {@code vm}. */
  public int vcpuCount(String vm) {
    return locked(() -> vms.require(vm).vcpus());
  }

  /** The load set for vCPU {@code vcpu} of {@code vm} ({@link #load}), in %. */
  public double loadOf(String vm, int vcpu) {
    return locked(() -> vms.require(vm).load[vcpu]);
  }

  /**
   * The share (0-1) of the time vCPU {@code vcpu} of {@code vm} is busy now: its load at the
   * frequency its pCPUs run at, at most 1; 0 when the VM is not running.
   */
  public double vcpuBusyShare(String vm, int vcpu) {
    return locked(
        () -> {
          SimulatedVm v = vms.require(vm);
          return v.running ? loads.busyShare(v, vcpu) : 0;
        });
  }

  /**
   * The share (0-1) of its pCPU's capacity at the highest non-turbo frequency that vCPU {@code
   * vcpu} of {@code vm} gets now: its pCPU's frequency over the nominal one, the fastest of its
   * pCPUs; 0 when the VM is not running or its pCPUs are offline.
   */
  public double vcpuSpeed(String vm, int vcpu) {
    return locked(
        () -> {
          SimulatedVm v = vms.require(vm);
          return v.running ? loads.speed(v, vcpu) : 0;
        });
  }

  /** The pCPU whose power vCPU {@code vcpu} of {@code vm} draws ({@link SimulatedLoads#cpuOf}). */
  public int vcpuCpu(String vm, int vcpu) {
    return locked(() -> loads.cpuOf(vms.require(vm), vcpu));
  }

  /** Busy time of vCPU {@code vcpu} of {@code vm} since its QEMU started, in ns. */
  public long vcpuTimeNanos(String vm, int vcpu) {
    return locked(
        () -> {
          integrateLocked();
          return (long) vms.require(vm).busyNanos[vcpu];
        });
  }

  /** Packets received on the interface {@code mac} of {@code vm} since its QEMU started. */
  public long rxPackets(String vm, MacAddress mac) {
    return locked(
        () -> {
          integrateLocked();
          return (long) SimulatedVms.iface(vms.require(vm), mac).rxPackets;
        });
  }

  /** Who the host sees behind the VM's channels from the next attach on (pid <= 0: assigned). */
  public void setPeer(String vm, PeerCredentials peer) {
    locked(() -> vms.setPeer(vms.require(vm), peer));
  }

  // ---- channels ----

  /**
   * The host end of a channel hangs up (end-of-file after what it has already received). When the
   * VM runs, the path can be attached again and transports announce it with {@code onAttachable}.
   */
  public void hangUp(String vm, int channel) {
    lock.lock();
    try {
      channel(vm, channel).hangUpHostEnd();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    forEachObserver(o -> o.channelHungUp(vm, channel));
  }

  /**
   * The host end's socket fails ({@code ECONNRESET}): reads and writes throw, the transport reports
   * {@code onHangUp}, and what it had not read is lost. The path can be attached again.
   */
  public void resetChannel(String vm, int channel) {
    lock.lock();
    try {
      SimulatedChannels.reset(channel(vm, channel));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    forEachObserver(o -> o.channelHungUp(vm, channel));
  }

  /** The guest's side of a channel (the same object on every call). */
  public SimulatedGuestPort guestPort(String vm, int channel) {
    return locked(() -> channels.guestPort(channel(vm, channel)));
  }

  /** Waits until every hypervisor event raised so far has reached the listeners. */
  public void awaitEvents() {
    events.awaitDelivered();
  }

  /** Stops the event thread. The HAL views should be closed first. */
  @Override
  public void close() {
    events.close();
  }

  // ---- for the simulated HAL objects ----

  void addObserver(SimulatedHostObserver o) {
    observers.add(o);
  }

  void removeObserver(SimulatedHostObserver o) {
    observers.remove(o);
  }

  void addListener(Consumer<HypervisorEvent> l) {
    events.add(l);
  }

  void removeListener(Consumer<HypervisorEvent> l) {
    events.remove(l);
  }

  /** The channel paths of {@code vm} (under the lock); empty for an unknown VM. */
  List<Path> channelPathsLocked(String vm) {
    SimulatedVm v = vms.find(vm);
    return v == null ? List.of() : SimulatedChannels.paths(v);
  }

  boolean runningLocked(String vm) {
    return vms.running(vm);
  }

  /** Attaches a new host end to the channel at {@code path}, as a socket connect would. */
  SimulatedChannelEndpoint attachLocked(Path path, SimulatedChannelTransport transport)
      throws IOException {
    return channels.attach(path, transport);
  }

  Optional<VmInfo> vmInfo(String name) throws HypervisorException {
    return whenReachable(() -> Optional.ofNullable(vms.find(name)).map(vms::info));
  }

  /**
   * The power channels the VM's definition names: each channel N at {@code {channelDir}/{vm}.{n}},
   * unless the scenario says its definition names none ({@code xmlChannels: false}).
   */
  Optional<DomainChannels> powerChannels(String name) throws HypervisorException {
    return whenReachable(
        () -> {
          SimulatedVm vm = vms.find(name);
          if (vm == null) {
            return Optional.empty();
          }
          if (!vm.xmlChannels) {
            return Optional.of(DomainChannels.NONE);
          }
          List<DomainChannel> list = new ArrayList<>();
          for (SimulatedChannel ch : vm.channels.values()) {
            list.add(new DomainChannel(ch.number, ch.path));
          }
          return Optional.of(new DomainChannels(list, List.of()));
        });
  }

  List<String> vmNamesChecked() throws HypervisorException {
    return whenReachable(vms::names);
  }

  /** The counters of the named running VMs, as {@link SimulatedVmStatistics} reads them. */
  Map<String, VmCounters> countersChecked(Collection<String> names) throws HypervisorException {
    return whenReachable(
        () -> {
          // the counters are as of the instant they are stamped with (the clock may run on)
          long now = clock.nanoTime();
          loads.integrate(vms.all(), now);
          Map<String, VmCounters> out = new HashMap<>();
          for (String name : names) {
            SimulatedVm v = vms.find(name);
            if (v == null || !v.running) {
              continue;
            }
            long[] times = new long[v.vcpus()];
            for (int i = 0; i < times.length; i++) {
              times[i] = (long) v.busyNanos[i];
            }
            List<InterfaceCounters> ifs = new ArrayList<>(v.interfaces.size());
            for (SimulatedInterface i : v.interfaces) {
              long packets = (long) i.rxPackets;
              ifs.add(
                  new InterfaceCounters(
                      i.mac, i.device, packets, packets * SimulatedInterface.PACKET_BYTES));
            }
            out.put(name, new VmCounters(name, now, times, ifs));
          }
          return out;
        });
  }

  int hostCpuCountChecked() throws HypervisorException {
    return whenReachable(cpus::count);
  }

  /** A pin through the hypervisor: its event is queued, not waited for. */
  void pinChecked(String vm, int vcpu, CpuSet pcpus) throws HypervisorException {
    lock.lock();
    try {
      checkReachable();
      String problem = vms.pinProblem(vm, vcpu, pcpus);
      if (problem != null) {
        throw new HypervisorException(problem);
      }
      integrateLocked();
      vms.pin(vm, vcpu, pcpus);
    } finally {
      lock.unlock();
    }
    events.publish(List.of(new HypervisorEvent.PinningChanged(vm)));
  }

  // ---- internals ----

  private SimulatedChannel channel(String vm, int channel) {
    return channels.require(vms.require(vm), channel);
  }

  private <T> T locked(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  private void locked(Runnable change) {
    lock.lock();
    try {
      change.run();
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #locked(Supplier)}, for the hypervisor: fails while it is unreachable. */
  private <T> T whenReachable(Supplier<T> read) throws HypervisorException {
    lock.lock();
    try {
      checkReachable();
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Brings the measured counters and the energy (which follows the vCPU loads) up to now, before a
   * change of load, pinning or running state. Called holding the lock.
   */
  private void integrateLocked() {
    loads.integrate(vms.all(), clock.nanoTime());
    energy.update(cpus);
  }

  private void clockAdvanced() {
    locked(changed::signalAll);
    forEachObserver(SimulatedHostObserver::clockAdvanced);
  }

  private void deliver(boolean deliver, List<HypervisorEvent> out) {
    if (deliver) {
      events.publishAndWait(out);
    }
  }

  private void forEachObserver(Consumer<SimulatedHostObserver> call) {
    for (SimulatedHostObserver o : observers) {
      call.accept(o);
    }
  }

  private void checkReachable() throws HypervisorException {
    if (!reachable) {
      throw new HypervisorException(UNREACHABLE);
    }
  }
}
