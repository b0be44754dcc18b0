package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A virtual host: physical CPUs with frequency tables, VMs with pinned vCPUs and channels, a clock,
 * and the faults a real host can have. The simulated HAL objects ({@link SimulatedCpuFrequencies},
 * {@link SimulatedHypervisor}, {@link SimulatedChannelTransport}, {@link SimulatedClock}, {@link
 * SimulatedQemuSockets}) are views of one host.
 *
 * <p>The "driver" methods do what the real world does by itself ({@link #repin}, {@link #startVm},
 * {@link #stopVm}, {@link #hangUp}, {@link #offline}, {@link #advance}, ...) and produce the same
 * events a real backend would. Hypervisor events go to listeners on a dedicated daemon thread, in
 * order; a driver method returns once its events have been delivered (except when called from a
 * listener), so tests need not wait. Events caused through {@link SimulatedHypervisor#pin} are not
 * waited for: use {@link #awaitEvents()}. While the hypervisor is unreachable ({@link
 * #hypervisorUnreachable}) VM events are lost, as with a broken libvirt connection; {@link
 * HypervisorEvent.ConnectionRestored} tells listeners to re-read everything.
 *
 * <p>Thread-safe: one lock guards all state; listeners are called without it.
 */
public final class SimulatedHost implements AutoCloseable {
  private static final String UNREACHABLE = "simulated hypervisor unreachable";

  final ReentrantLock lock = new ReentrantLock();

  /** Signalled on every change a waiter may care about (channel bytes, hang-ups, wake-ups). */
  final Condition changed = lock.newCondition();

  final SimulatedCpus cpus;
  private final Map<String, SimulatedVm> vms = new LinkedHashMap<>();
  private final Map<Path, SimulatedChannel> channelsByPath = new HashMap<>();
  private final Path channelDir;
  private final SimulatedClock clock;
  private final SimulatedEventDispatcher events = new SimulatedEventDispatcher();
  private final List<SimulatedHostObserver> observers = new CopyOnWriteArrayList<>();
  private boolean reachable = true;
  private long nextPid = 10_000;

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
    for (ScenarioResolver.VmPlan vm : plan.vms()) {
      addVmLocked(vm);
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
    lock.lock();
    try {
      return cpus.state(cpu);
    } finally {
      lock.unlock();
    }
  }

  /** Every CPU's state, in CPU order. */
  public List<SimulatedCpuState> cpuStates() {
    lock.lock();
    try {
      List<SimulatedCpuState> out = new ArrayList<>(cpus.count());
      for (int c = 0; c < cpus.count(); c++) {
        out.add(cpus.state(c));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Successful frequency writes, oldest first (the last 65536). */
  public List<SimulatedFrequencyWrite> frequencyWrites() {
    lock.lock();
    try {
      return cpus.writes();
    } finally {
      lock.unlock();
    }
  }

  /** How many frequency writes succeeded since the start (or {@link #clearFrequencyWrites}). */
  public long frequencyWriteCount() {
    lock.lock();
    try {
      return cpus.writeCount();
    } finally {
      lock.unlock();
    }
  }

  public void clearFrequencyWrites() {
    lock.lock();
    try {
      cpus.clearWrites();
    } finally {
      lock.unlock();
    }
  }

  // ---- CPUs: drivers and faults ----

  /** Takes a CPU offline: it leaves {@code cpus()} and its writes fail. */
  public void offline(int cpu) {
    setOnline(cpu, false);
  }

  public void online(int cpu) {
    setOnline(cpu, true);
  }

  private void setOnline(int cpu, boolean on) {
    lock.lock();
    try {
      cpus.setOnline(cpu, on);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every write to {@code cpu} fails with {@code cpuN: write scaling_setspeed failed: REASON} until
   * {@link #clearFaults()}.
   */
  public void failFrequencyWrites(int cpu, String reason) {
    lock.lock();
    try {
      cpus.get(cpu).failAlways = checkReason(reason);
    } finally {
      lock.unlock();
    }
  }

  /** The next write to {@code cpu} fails (once), as {@link #failFrequencyWrites}. */
  public void failNextFrequencyWrite(int cpu, String reason) {
    lock.lock();
    try {
      cpus.get(cpu).failNext = checkReason(reason);
    } finally {
      lock.unlock();
    }
  }

  public void clearFaults() {
    lock.lock();
    try {
      cpus.clearFaults();
    } finally {
      lock.unlock();
    }
  }

  private static String checkReason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("give a reason such as EBUSY, EINVAL or EACCES");
    }
    return reason;
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
    lock.lock();
    try {
      return reachable;
    } finally {
      lock.unlock();
    }
  }

  // ---- VMs ----

  public List<String> vmNames() {
    lock.lock();
    try {
      return List.copyOf(vms.keySet());
    } finally {
      lock.unlock();
    }
  }

  public VmState vmState(String vm) {
    lock.lock();
    try {
      return requireVm(vm).running ? VmState.RUNNING : VmState.SHUT_OFF;
    } finally {
      lock.unlock();
    }
  }

  /** The VM's channel numbers, ascending. */
  public List<Integer> channels(String vm) {
    lock.lock();
    try {
      return List.copyOf(requireVm(vm).channels.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** Where {@code vcpu} of {@code vm} may run: its pinning, or every host CPU when unpinned. */
  public CpuSet pinning(String vm, int vcpu) {
    lock.lock();
    try {
      problem(pinProblemLocked(vm, vcpu, cpus.all()));
      CpuSet p = vms.get(vm).pinning[vcpu];
      return p == null ? cpus.all() : p;
    } finally {
      lock.unlock();
    }
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
    ScenarioResolver.VmPlan plan;
    lock.lock();
    try {
      plan = ScenarioResolver.resolveVm(spec, cpus.count(), "defineVm");
      if (vms.containsKey(plan.name())) {
        throw new IllegalArgumentException("VM '" + plan.name() + "' is already defined");
      }
      addVmLocked(plan);
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    List<HypervisorEvent> out = new ArrayList<>();
    out.add(new HypervisorEvent.VmChanged(plan.name()));
    if (plan.running()) {
      forEachObserver(o -> o.vmStarted(plan.name()));
      out.add(new HypervisorEvent.VmStarted(plan.name()));
    }
    deliver(deliver, out);
  }

  /**
   * Starts a shut-off VM: its channels can be attached again ({@code onAttachable} for each). Fires
   * {@code VmStarted}.
   */
  public void startVm(String vm) {
    boolean deliver;
    lock.lock();
    try {
      SimulatedVm v = requireVm(vm);
      if (v.running) {
        throw new IllegalStateException("VM '" + vm + "' is already running");
      }
      v.running = true;
      if (!v.pidFixed) {
        v.pid = nextPid++;
      }
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
      SimulatedVm v = requireVm(vm);
      if (!v.running) {
        throw new IllegalStateException("VM '" + vm + "' is not running");
      }
      v.running = false;
      for (SimulatedChannel ch : v.channels.values()) {
        ch.hangUpHostEnd();
        ch.pending.clear();
        ch.toGuest.clear();
      }
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
      problem(pinProblemLocked(vm, vcpu, pcpus));
      vms.get(vm).pinning[vcpu] = pcpus;
      deliver = reachable;
    } finally {
      lock.unlock();
    }
    deliver(deliver, List.of(new HypervisorEvent.PinningChanged(vm)));
  }

  /** Who the host sees behind the VM's channels from the next attach on (pid <= 0: assigned). */
  public void setPeer(String vm, PeerCredentials peer) {
    lock.lock();
    try {
      SimulatedVm v = requireVm(vm);
      v.uid = peer.uid();
      v.gid = peer.gid();
      v.pidFixed = peer.pid() > 0;
      if (v.pidFixed) {
        v.pid = peer.pid();
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- channels ----

  /**
   * The host end of a channel hangs up (end-of-file after what it has already received). When the
   * VM runs, the path can be attached again and transports announce it with {@code onAttachable}.
   */
  public void hangUp(String vm, int channel) {
    lock.lock();
    try {
      requireChannel(vm, channel).hangUpHostEnd();
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
      SimulatedChannel ch = requireChannel(vm, channel);
      if (ch.attached != null) {
        ch.attached.resetReason = "Connection reset by peer";
        ch.attached.inbound.clear();
        ch.attached = null;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    forEachObserver(o -> o.channelHungUp(vm, channel));
  }

  /** The guest's side of a channel (the same object on every call). */
  public SimulatedGuestPort guestPort(String vm, int channel) {
    lock.lock();
    try {
      SimulatedChannel ch = requireChannel(vm, channel);
      if (ch.port == null) {
        ch.port = new SimulatedGuestPort(this, ch);
      }
      return ch.port;
    } finally {
      lock.unlock();
    }
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
    SimulatedVm v = vms.get(vm);
    if (v == null) {
      return List.of();
    }
    return v.channels.values().stream().map(ch -> ch.path).toList();
  }

  boolean runningLocked(String vm) {
    SimulatedVm v = vms.get(vm);
    return v != null && v.running;
  }

  /** Attaches a new host end to the channel at {@code path}, as a socket connect would. */
  SimulatedChannelEndpoint attachLocked(Path path, SimulatedChannelTransport transport)
      throws IOException {
    SimulatedChannel ch = channelsByPath.get(key(path));
    if (ch == null) {
      throw new IOException("no socket at " + path);
    }
    if (!ch.vm.running) {
      throw new ConnectException(
          "connection refused at " + path + ": VM '" + ch.vm.name + "' is not running");
    }
    if (ch.attached != null) {
      throw new ConnectException(
          "connection refused at " + path + ": a host end is attached already (one at a time)");
    }
    SimulatedChannelEndpoint ep = new SimulatedChannelEndpoint(this, transport, ch, ch.vm.peer());
    ch.pending.moveTo(ep.inbound);
    ch.attached = ep;
    return ep;
  }

  Optional<VmInfo> vmInfo(String name) throws HypervisorException {
    lock.lock();
    try {
      checkReachable();
      SimulatedVm v = vms.get(name);
      if (v == null) {
        return Optional.empty();
      }
      List<CpuSet> pinning = new ArrayList<>(v.vcpus());
      for (CpuSet p : v.pinning) {
        pinning.add(p == null ? cpus.all() : p);
      }
      return Optional.of(
          new VmInfo(name, v.running ? VmState.RUNNING : VmState.SHUT_OFF, v.vcpus(), pinning));
    } finally {
      lock.unlock();
    }
  }

  List<String> vmNamesChecked() throws HypervisorException {
    lock.lock();
    try {
      checkReachable();
      return List.copyOf(vms.keySet());
    } finally {
      lock.unlock();
    }
  }

  int hostCpuCountChecked() throws HypervisorException {
    lock.lock();
    try {
      checkReachable();
      return cpus.count();
    } finally {
      lock.unlock();
    }
  }

  /** A pin through the hypervisor: its event is queued, not waited for. */
  void pinChecked(String vm, int vcpu, CpuSet pcpus) throws HypervisorException {
    lock.lock();
    try {
      checkReachable();
      String problem = pinProblemLocked(vm, vcpu, pcpus);
      if (problem != null) {
        throw new HypervisorException(problem);
      }
      vms.get(vm).pinning[vcpu] = pcpus;
    } finally {
      lock.unlock();
    }
    events.publish(List.of(new HypervisorEvent.PinningChanged(vm)));
  }

  // ---- internals ----

  private void addVmLocked(ScenarioResolver.VmPlan plan) {
    SimulatedVm vm = new SimulatedVm(plan, channelDir);
    vm.running = plan.running();
    if (vm.running && !vm.pidFixed) {
      vm.pid = nextPid++;
    }
    vms.put(vm.name, vm);
    for (SimulatedChannel ch : vm.channels.values()) {
      channelsByPath.put(key(ch.path), ch);
    }
  }

  private void clockAdvanced() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
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

  private String pinProblemLocked(String vm, int vcpu, CpuSet pcpus) {
    SimulatedVm v = vms.get(vm);
    if (v == null) {
      return unknownVm(vm);
    }
    if (vcpu < 0 || vcpu >= v.vcpus()) {
      return "vCPU "
          + vcpu
          + " does not exist (VM '"
          + vm
          + "' has "
          + v.vcpus()
          + (v.vcpus() == 1 ? " vCPU)" : " vCPUs)");
    }
    if (pcpus == null || pcpus.isEmpty()) {
      return "cannot pin vCPU " + vcpu + " of VM '" + vm + "' to no pCPU; give at least one";
    }
    if (pcpus.last() >= cpus.count()) {
      return "pCPU " + pcpus.last() + " does not exist (host has " + cpus.count() + ")";
    }
    return null;
  }

  private static void problem(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private SimulatedVm requireVm(String vm) {
    SimulatedVm v = vms.get(vm);
    if (v == null) {
      throw new IllegalArgumentException(unknownVm(vm));
    }
    return v;
  }

  private SimulatedChannel requireChannel(String vm, int channel) {
    SimulatedVm v = requireVm(vm);
    SimulatedChannel ch = v.channels.get(channel);
    if (ch == null) {
      throw new IllegalArgumentException(
          "VM '"
              + vm
              + "' has no channel "
              + channel
              + (v.channels.isEmpty()
                  ? " (it has no channel)"
                  : " (channels: "
                      + v.channels.keySet().stream()
                          .map(String::valueOf)
                          .collect(Collectors.joining(","))
                      + ")"));
    }
    return ch;
  }

  private String unknownVm(String vm) {
    return "VM '"
        + vm
        + "' does not exist ("
        + (vms.isEmpty() ? "no VM is defined" : "known: " + String.join(", ", vms.keySet()))
        + ")";
  }

  private static Path key(Path p) {
    return p.toAbsolutePath().normalize();
  }
}
