package io.vmpower.core.host;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.host.Views.ChannelResult;
import io.vmpower.core.host.Views.ChannelStatsView;
import io.vmpower.core.host.Views.ChannelView;
import io.vmpower.core.host.Views.CpuFreq;
import io.vmpower.core.host.Views.CpuRow;
import io.vmpower.core.host.Views.VmSummary;
import io.vmpower.core.host.Views.VmView;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.power.CpuScaleResult;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelEvent;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's operator commands with the seed's semantics (and the reference's gaps closed). Each
 * either does what it says or throws a {@link CommandException} that says what was wrong and what
 * is accepted, having changed nothing. The CLI is a thin parser over this class.
 */
@Singleton
public final class HostController {
  private static final Logger log = LoggerFactory.getLogger(HostController.class);

  private final Hypervisor hypervisor;
  private final VmRegistry registry;
  private final ChannelMonitor monitor;
  private final PowerManager power;
  private final HostConfig config;
  private final HypervisorSync sync;

  @Inject
  public HostController(
      Hypervisor hypervisor,
      VmRegistry registry,
      ChannelMonitor monitor,
      PowerManager power,
      HostConfig config,
      HypervisorSync sync) {
    this.hypervisor = hypervisor;
    this.registry = registry;
    this.monitor = monitor;
    this.power = power;
    this.config = config;
    this.sync = sync;
  }

  public HostConfig config() {
    return config;
  }

  public VmRegistry registry() {
    return registry;
  }

  public PowerManager power() {
    return power;
  }

  // ---- VMs

  /** {@code add_vm}: the hypervisor must know the VM (it need not run). */
  public VmInfo addVm(String name) throws CommandException {
    checkName(name);
    if (registry.find(name).isPresent()) {
      throw new CommandException("VM '" + name + "' is already added");
    }
    VmInfo info = lookup(name);
    registry.add(new Vm(info));
    log.info("VM '{}' added: {} vCPUs, {}", name, info.vcpuCount(), info.state());
    return info;
  }

  /** {@code rm_vm}: only once its channels are removed ({@code rm_channels VM all}). */
  public void rmVm(String name) throws CommandException {
    Vm vm = vm(name);
    if (!vm.channels().isEmpty()) {
      throw new CommandException(
          "VM '"
              + name
              + "' has channels "
              + Numbers.join(new ArrayList<>(vm.channels().keySet()))
              + ": remove them first with rm_channels "
              + name
              + " all");
    }
    registry.remove(name);
    log.info("VM '{}' removed", name);
  }

  /** The registered VM, or an error naming the known ones. */
  public Vm vm(String name) throws CommandException {
    Optional<Vm> vm = registry.find(name);
    if (vm.isEmpty()) {
      List<String> known = registry.names();
      throw new CommandException(
          "Unknown VM '"
              + name
              + "' ("
              + (known.isEmpty()
                  ? "no VM added yet: use add_vm NAME"
                  : "known: " + Numbers.join(known))
              + ")");
    }
    return vm.get();
  }

  public List<VmSummary> showVms() {
    List<VmSummary> out = new ArrayList<>();
    for (Vm vm : registry.all()) {
      int connected = 0;
      for (Channel c : vm.channels().values()) {
        if (c.state() != ChannelState.DISCONNECTED) {
          connected++;
        }
      }
      out.add(
          new VmSummary(
              vm.name(),
              vm.state(),
              vm.vcpuCount(),
              vm.channels().size(),
              connected,
              vm.queryEnabled()));
    }
    return out;
  }

  /** {@code show_vm}: re-reads the VM from the hypervisor first (keeps the last view on error). */
  public VmView showVm(String name) throws CommandException {
    Vm vm = vm(name);
    sync.refresh(name);
    List<ChannelView> channels = new ArrayList<>();
    for (Channel c : vm.channels().values()) {
      channels.add(new ChannelView(c.number(), c.path(), c.state(), c.peer(), c.lastError()));
    }
    return new VmView(
        vm.name(), vm.state(), channels, vm.pinning(), vm.queryEnabled(), sync.connected());
  }

  /** {@code set_query}: allow or forbid the VM's frequency and capability queries. */
  public void setQuery(String name, boolean enabled) throws CommandException {
    vm(name).queryEnabled(enabled);
  }

  // ---- channels

  /**
   * {@code add_channels}: the VM must be running; {@code all} takes every {@code {vm}.{n}} socket
   * in the channel folder. Channels that cannot be attached are reported and not added.
   */
  public List<ChannelResult> addChannels(String name, String list) throws CommandException {
    Vm vm = vm(name);
    sync.refresh(name);
    if (!vm.state().isActive()) {
      throw new CommandException(
          "VM '" + name + "' is not running: start it before adding channels");
    }
    List<ChannelResult> results = new ArrayList<>();
    Map<Integer, Path> wanted = new TreeMap<>();
    if ("all".equals(list)) {
      scanChannelDir(name, wanted, results);
      if (wanted.isEmpty() && results.isEmpty()) {
        throw new CommandException(
            "no channel sockets for VM '"
                + name
                + "' in "
                + config.channelDir()
                + " (expected "
                + name
                + ".0, "
                + name
                + ".1, ...)");
      }
    } else {
      CpuSet numbers = Numbers.parseList(list, "channel");
      checkChannelNumbers(numbers);
      numbers.forEach(n -> wanted.put(n, config.channelPath(name, n)));
    }
    for (Map.Entry<Integer, Path> e : wanted.entrySet()) {
      int n = e.getKey();
      if (vm.channel(n) != null) {
        results.add(
            new ChannelResult(n, e.getValue(), false, "channel " + n + " is already added"));
        continue;
      }
      Channel c = vm.addChannel(n, e.getValue());
      try {
        monitor.attach(c);
        results.add(new ChannelResult(n, c.path(), true, "added, " + c.state()));
      } catch (Exception ex) {
        vm.removeChannel(n);
        results.add(new ChannelResult(n, c.path(), false, ex.getMessage()));
      }
    }
    results.sort((a, b) -> Integer.compare(a.channel(), b.channel()));
    return results;
  }

  private void scanChannelDir(String vm, Map<Integer, Path> wanted, List<ChannelResult> skipped)
      throws CommandException {
    String prefix = vm + ".";
    try {
      for (Path p : monitor.transport().list(config.channelDir())) {
        String file = p.getFileName().toString();
        if (!file.startsWith(prefix)) {
          continue;
        }
        String suffix = file.substring(prefix.length());
        if (suffix.isEmpty()
            || suffix.length() > 9
            || !suffix.chars().allMatch(c -> c >= '0' && c <= '9')) {
          if (!belongsToLongerName(vm, file)) {
            skipped.add(
                new ChannelResult(
                    -1, p, false, "skipped '" + file + "': not " + prefix + "N with N a number"));
          }
          continue;
        }
        int n = Integer.parseInt(suffix);
        if (n >= config.maxChannelsPerVm()) {
          skipped.add(
              new ChannelResult(
                  n,
                  p,
                  false,
                  "skipped '"
                      + file
                      + "': channel numbers run 0-"
                      + (config.maxChannelsPerVm() - 1)));
          continue;
        }
        wanted.put(n, p);
      }
    } catch (IOException e) {
      throw new CommandException(
          "cannot read the channel folder " + config.channelDir() + ": " + e.getMessage());
    }
  }

  /** Whether {@code file} is a channel of another registered VM whose name extends {@code vm}. */
  private boolean belongsToLongerName(String vm, String file) {
    for (String other : registry.names()) {
      if (other.length() > vm.length() && file.startsWith(other + ".")) {
        return true;
      }
    }
    return false;
  }

  private void checkChannelNumbers(CpuSet numbers) throws CommandException {
    if (numbers.last() >= config.maxChannelsPerVm()) {
      throw new CommandException(
          "channel "
              + numbers.last()
              + " is out of range: channel numbers run 0-"
              + (config.maxChannelsPerVm() - 1));
    }
  }

  private List<Channel> channels(Vm vm, String list) throws CommandException {
    List<Channel> out = new ArrayList<>();
    if ("all".equals(list)) {
      out.addAll(vm.channels().values());
      return out;
    }
    CpuSet numbers = Numbers.parseList(list, "channel");
    List<Integer> missing = new ArrayList<>();
    numbers.forEach(
        n -> {
          Channel c = vm.channel(n);
          if (c == null) {
            missing.add(n);
          } else {
            out.add(c);
          }
        });
    if (!missing.isEmpty()) {
      throw new CommandException(
          "VM '"
              + vm.name()
              + "' has no channel "
              + Numbers.join(missing)
              + " (it has: "
              + (vm.channels().isEmpty()
                  ? "none"
                  : Numbers.join(new ArrayList<>(vm.channels().keySet())))
              + ")");
    }
    return out;
  }

  /** {@code rm_channels}: closes and forgets channels, so that {@code rm_vm} is possible. */
  public List<ChannelResult> rmChannels(String name, String list) throws CommandException {
    Vm vm = vm(name);
    List<ChannelResult> results = new ArrayList<>();
    for (Channel c : channels(vm, list)) {
      try {
        monitor.detach(c);
      } catch (Exception e) {
        results.add(new ChannelResult(c.number(), c.path(), false, e.getMessage()));
        continue;
      }
      vm.removeChannel(c.number());
      results.add(new ChannelResult(c.number(), c.path(), true, "removed"));
    }
    return results;
  }

  /** {@code set_channel_status}: disabled channels read and drop their requests. */
  public List<ChannelResult> setChannelStatus(String name, String list, boolean enabled)
      throws CommandException {
    Vm vm = vm(name);
    List<ChannelResult> results = new ArrayList<>();
    for (Channel c : channels(vm, list)) {
      ChannelState s = c.stateMachine().fire(enabled ? ChannelEvent.ENABLE : ChannelEvent.DISABLE);
      results.add(new ChannelResult(c.number(), c.path(), true, s.name()));
    }
    return results;
  }

  // ---- pinning

  /** {@code set_pcpu_mask} / {@code set_pcpu}: re-pins through the hypervisor after checking. */
  public VmInfo setPcpus(String name, int vcpu, CpuSet pcpus) throws CommandException {
    Vm vm = vm(name);
    if (vcpu < 0 || vcpu >= vm.vcpuCount()) {
      throw new CommandException(
          "vCPU "
              + vcpu
              + " does not exist (VM '"
              + name
              + "' has "
              + vm.vcpuCount()
              + " vCPUs: 0-"
              + (vm.vcpuCount() - 1)
              + ")");
    }
    if (pcpus.isEmpty()) {
      throw new CommandException("the pCPU mask is empty: name at least one pCPU");
    }
    int host;
    try {
      host = hypervisor.hostCpuCount();
    } catch (HypervisorException e) {
      throw new CommandException("cannot read the host's CPU count: " + e.getMessage(), e);
    }
    if (pcpus.last() >= host) {
      throw new CommandException(
          "pCPU " + pcpus.last() + " does not exist (host has " + host + ")");
    }
    try {
      hypervisor.pin(name, vcpu, pcpus);
    } catch (HypervisorException e) {
      throw new CommandException(
          "cannot pin vCPU " + vcpu + " of '" + name + "': " + e.getMessage(), e);
    }
    sync.refresh(name);
    log.info("vCPU {} of '{}' pinned to {}", vcpu, name, pcpus.toListString());
    return lookup(name);
  }

  // ---- frequencies

  /**
   * {@code set_cpu_freq(_mask)}: every CPU must exist and be controllable, else nothing changes.
   */
  public List<CpuScaleResult> setCpuFreq(CpuSet cpus, ScaleOp op) throws CommandException {
    checkCpus(cpus);
    return power.scaleReport(cpus, op);
  }

  /** {@code show_cpu_freq(_mask)}. */
  public List<CpuFreq> showCpuFreq(CpuSet cpus) throws CommandException {
    checkCpus(cpus);
    List<CpuFreq> out = new ArrayList<>();
    cpus.forEach(cpu -> out.add(new CpuFreq(cpu, power.currentKhz(cpu), null)));
    return out;
  }

  private void checkCpus(CpuSet cpus) throws CommandException {
    if (cpus.isEmpty()) {
      throw new CommandException("the core mask is empty: name at least one core");
    }
    List<String> problems = new ArrayList<>();
    cpus.forEach(
        cpu -> {
          if (!power.controls(cpu)) {
            problems.add(power.describeMissing(cpu));
          }
        });
    if (!problems.isEmpty()) {
      throw new CommandException(String.join("; ", problems));
    }
  }

  /** {@code show_cpus}: every CPU, online or not, with the vCPUs of registered VMs on it. */
  public List<CpuRow> showCpus() {
    CpuFrequencies f = power.frequencies();
    CpuSet all = f.cpus().union(f.offlineCpus());
    Map<Integer, List<String>> users = new TreeMap<>();
    for (Vm vm : registry.all()) {
      for (int v = 0; v < vm.vcpuCount(); v++) {
        int vcpu = v;
        CpuSet pin = vm.pinning(v);
        pin.forEach(
            cpu -> users.computeIfAbsent(cpu, k -> new ArrayList<>()).add(vm.name() + ":" + vcpu));
      }
    }
    List<CpuRow> rows = new ArrayList<>();
    all.forEach(
        cpu -> {
          List<String> vcpus = users.getOrDefault(cpu, List.of());
          if (!f.cpus().contains(cpu)) {
            rows.add(
                new CpuRow(
                    cpu, false, false, "-", "-", 0, 0, 0, false, false, vcpus, CpuSet.of(cpu)));
            return;
          }
          FrequencyTable t = f.table(cpu);
          rows.add(
              new CpuRow(
                  cpu,
                  true,
                  true,
                  f.driver(cpu),
                  f.governor(cpu),
                  power.currentKhz(cpu),
                  t.get(t.lowestIndex()),
                  t.get(0),
                  t.hasTurbo(),
                  f.turboEnabled(cpu),
                  vcpus,
                  f.relatedCpus(cpu)));
        });
    return rows;
  }

  /** {@code show_stats}: counters per VM and channel. */
  public List<ChannelStatsView> stats() {
    List<ChannelStatsView> out = new ArrayList<>();
    for (Vm vm : registry.all()) {
      for (Channel c : vm.channels().values()) {
        out.add(new ChannelStatsView(vm.name(), c.number(), c.state(), c.stats()));
      }
    }
    return out;
  }

  /** The channel numbers of the {@code {vm}.{n}} sockets in the channel folder, for completion. */
  public List<Integer> channelNumbersInFolder() {
    List<Integer> out = new ArrayList<>();
    try {
      for (Path p : monitor.transport().list(config.channelDir())) {
        String name = p.getFileName().toString();
        String n = name.substring(name.lastIndexOf('.') + 1);
        if (!n.isEmpty() && n.length() < 6 && n.chars().allMatch(c -> c >= '0' && c <= '9')) {
          out.add(Integer.parseInt(n));
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** The names the hypervisor knows, for completion; empty when it cannot say. */
  public List<String> hypervisorVmNames() {
    try {
      return hypervisor.vmNames();
    } catch (HypervisorException e) {
      return List.of();
    }
  }

  private VmInfo lookup(String name) throws CommandException {
    try {
      Optional<VmInfo> info = hypervisor.lookup(name);
      if (info.isEmpty()) {
        List<String> known = hypervisorVmNames();
        throw new CommandException(
            "Unknown VM '"
                + name
                + "': the hypervisor has no such VM"
                + (known.isEmpty() ? "" : " (it has: " + Numbers.join(known) + ")"));
      }
      return info.get();
    } catch (HypervisorException e) {
      throw new CommandException(
          "cannot ask the hypervisor about '" + name + "': " + e.getMessage(), e);
    }
  }

  private static void checkName(String name) throws CommandException {
    if (name == null
        || name.isEmpty()
        || name.length() > 255
        || name.contains("/")
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new CommandException(
          "'" + name + "' is not a valid VM name: non-empty, no '/', no control characters");
    }
  }
}
