package io.vmpower.cli;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.host.ChannelCommands;
import io.vmpower.core.host.ChannelSelection;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.host.FrequencyCommands;
import io.vmpower.core.host.HostViews;
import io.vmpower.core.host.Numbers;
import io.vmpower.core.host.PinningCommands;
import io.vmpower.core.host.PolicyCommands;
import io.vmpower.core.host.VmCommands;
import io.vmpower.core.power.CpuScaleResult;
import io.vmpower.core.power.ScaleOp;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code vm_power>} commands, with the seed's syntax. Each parses its words strictly (channel
 * lists by {@link ChannelSelectionConverter}), calls the typed operation of its group ({@link
 * VmCommands}, {@link ChannelCommands}, {@link PinningCommands}, {@link FrequencyCommands}, {@link
 * HostViews}) and prints the result (a view through {@link ViewOutput}, as text or JSON); errors
 * are thrown as {@link CommandException} and printed by the shell as one line, with exit code 1.
 */
@Command(
    name = "",
    description = "VM power manager host commands.",
    mixinStandardHelpOptions = false)
public final class HostCommands implements Callable<Integer> {
  private final VmCommands vms;
  private final ChannelCommands channels;
  private final PinningCommands pinning;
  private final FrequencyCommands frequencies;
  private final HostViews views;
  private final ViewOutput output;
  private final PolicyCommands policies;

  @Spec CommandLine.Model.CommandSpec spec;

  @Inject
  public HostCommands(
      VmCommands vms,
      ChannelCommands channels,
      PinningCommands pinning,
      FrequencyCommands frequencies,
      HostViews views,
      ViewOutput output,
      PolicyCommands policies) {
    this.vms = vms;
    this.channels = channels;
    this.pinning = pinning;
    this.frequencies = frequencies;
    this.views = views;
    this.output = output;
    this.policies = policies;
  }

  @Override
  public Integer call() {
    return 0;
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private void print(List<String> lines) {
    PrintWriter out = out();
    lines.forEach(out::println);
    out.flush();
  }

  private int report(List<CpuScaleResult> results) {
    List<String> lines = new ArrayList<>();
    boolean failed = false;
    for (CpuScaleResult r : results) {
      lines.add(r.describe());
      failed |= r.failed();
    }
    print(lines);
    return failed ? 1 : 0;
  }

  // ---- completion candidates (evaluated when TAB is pressed)

  public static final class ScaleWords implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("up", "down", "min", "max", "enable_turbo", "disable_turbo").iterator();
    }
  }

  public static final class StatusWords implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("enabled", "disabled").iterator();
    }
  }

  public static final class EnableWords implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("enable", "disable").iterator();
    }
  }

  // ---- VMs

  @Command(
      name = "add_vm",
      description = "Add a VM the hypervisor knows (it need not run). Example: add_vm vm1")
  int addVm(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm)
      throws CommandException {
    VmInfo info = vms.addVm(vm);
    print(
        List.of(
            "VM '"
                + vm
                + "' added: "
                + info.vcpuCount()
                + " vCPU(s), "
                + info.state().statusWord()));
    return 0;
  }

  @Command(
      name = "rm_vm",
      description =
          "Remove a VM (remove its channels first: rm_channels VM all). Example: rm_vm vm1")
  int rmVm(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm)
      throws CommandException {
    vms.rmVm(vm);
    print(List.of("VM '" + vm + "' removed"));
    return 0;
  }

  @Command(
      name = "show_vm",
      description = "Show a VM's channels and vCPU pinning. Example: show_vm vm1")
  int showVm(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm)
      throws CommandException {
    output.show(out(), "vm", views.showVm(vm), HostFormatter::vm);
    return 0;
  }

  @Command(name = "show_vms", description = "One line per added VM. Example: show_vms")
  int showVms() {
    output.show(out(), "vms", views.showVms(), HostFormatter::vms);
    return 0;
  }

  @Command(
      name = "set_query",
      description =
          "Allow or forbid a VM's frequency/capability queries. Example: set_query vm1 enable")
  int setQuery(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm,
      @Parameters(
              paramLabel = "enable|disable",
              description = "enable or disable",
              completionCandidates = EnableWords.class)
          String what)
      throws CommandException {
    boolean enable =
        switch (what) {
          case "enable" -> true;
          case "disable" -> false;
          default ->
              throw new CommandException("unknown setting '" + what + "': use enable or disable");
        };
    vms.setQuery(vm, enable);
    print(List.of("Queries " + (enable ? "enabled" : "disabled") + " for VM '" + vm + "'"));
    return 0;
  }

  // ---- channels

  @Command(
      name = "add_channels",
      description =
          "Attach channels of a running VM: a list (0,1,3 or 0-3) or all. Example: add_channels vm1 all")
  int addChannels(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm,
      @Parameters(
              paramLabel = "LIST|all",
              description = "channel numbers: 0,1,3 or 0-3, or all",
              completionCandidates = ChannelNumberCandidates.class,
              converter = ChannelSelectionConverter.class)
          ChannelSelection list)
      throws CommandException {
    var results = channels.addChannels(vm, list);
    print(HostFormatter.channelResults(vm, results));
    return results.stream().allMatch(r -> r.ok()) ? 0 : 1;
  }

  @Command(
      name = "rm_channels",
      description = "Close and forget channels. Example: rm_channels vm1 all")
  int rmChannels(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm,
      @Parameters(
              paramLabel = "LIST|all",
              description = "channel numbers: 0,1,3 or 0-3, or all",
              completionCandidates = ChannelNumberCandidates.class,
              converter = ChannelSelectionConverter.class)
          ChannelSelection list)
      throws CommandException {
    var results = channels.rmChannels(vm, list);
    print(HostFormatter.channelResults(vm, results));
    return results.stream().allMatch(r -> r.ok()) ? 0 : 1;
  }

  @Command(
      name = "set_channel_status",
      description =
          "Enable or disable channels (disabled ones drop requests). Example: set_channel_status vm1 0"
              + " disabled")
  int setChannelStatus(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm,
      @Parameters(
              paramLabel = "LIST|all",
              description = "channel numbers: 0,1,3 or 0-3, or all",
              completionCandidates = ChannelNumberCandidates.class,
              converter = ChannelSelectionConverter.class)
          ChannelSelection list,
      @Parameters(
              paramLabel = "enabled|disabled",
              description = "enabled or disabled",
              completionCandidates = StatusWords.class)
          String status)
      throws CommandException {
    boolean enabled =
        switch (status) {
          case "enabled" -> true;
          case "disabled" -> false;
          default ->
              throw new CommandException(
                  "unknown status '" + status + "': use enabled or disabled");
        };
    print(HostFormatter.channelResults(vm, channels.setChannelStatus(vm, list, enabled)));
    return 0;
  }

  // ---- pinning

  @Command(
      name = "set_pcpu_mask",
      description = "Pin a vCPU to the pCPUs of a mask. Example: set_pcpu_mask vm1 0 0x6")
  int setPcpuMask(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm,
      @Parameters(paramLabel = "VCPU", description = "the vCPU number (decimal or 0x hex)")
          String vcpu,
      @Parameters(paramLabel = "MASK", description = "a CPU mask of any length, e.g. 0x30")
          String mask)
      throws CommandException {
    CpuSet set;
    try {
      set = CpuSet.parseMask(mask);
    } catch (IllegalArgumentException e) {
      throw new CommandException(e.getMessage());
    }
    return pin(vm, Numbers.parse(vcpu, "vCPU"), set);
  }

  @Command(name = "set_pcpu", description = "Pin a vCPU to one pCPU. Example: set_pcpu vm1 0 3")
  int setPcpu(
      @Parameters(
              paramLabel = "VM",
              description = "the VM's name, as the hypervisor knows it",
              completionCandidates = VmNameCandidates.class)
          String vm,
      @Parameters(paramLabel = "VCPU", description = "the vCPU number (decimal or 0x hex)")
          String vcpu,
      @Parameters(paramLabel = "PCPU", description = "the physical CPU number") String pcpu)
      throws CommandException {
    int p = Numbers.parse(pcpu, "pCPU");
    if (p > CpuSet.MAX_CPU) {
      throw new CommandException("pCPU " + p + " is out of range");
    }
    return pin(vm, Numbers.parse(vcpu, "vCPU"), CpuSet.of(p));
  }

  private int pin(String vm, int vcpu, CpuSet pcpus) throws CommandException {
    VmInfo info = pinning.setPcpus(vm, vcpu, pcpus);
    print(
        List.of(
            "vCPU "
                + vcpu
                + " of '"
                + vm
                + "' pinned to Physical CPU Mask "
                + info.pinning().get(vcpu).toMaskString()));
    return 0;
  }

  // ---- frequencies

  @Command(
      name = "show_cpu_freq",
      description = "Show a core's current frequency. Example: show_cpu_freq 3")
  int showCpuFreq(
      @Parameters(paramLabel = "CORE", description = "the CPU number (decimal or 0x hex)")
          String core)
      throws CommandException {
    output.show(
        out(), "frequencies", views.showCpuFreq(CpuSet.of(cpu(core))), HostFormatter::freqs);
    return 0;
  }

  @Command(
      name = "show_cpu_freq_mask",
      description = "Show the frequency of each core of a mask. Example: show_cpu_freq_mask 0xc")
  int showCpuFreqMask(
      @Parameters(paramLabel = "MASK", description = "a CPU mask of any length, e.g. 0x30")
          String mask)
      throws CommandException {
    output.show(out(), "frequencies", views.showCpuFreq(mask(mask)), HostFormatter::freqs);
    return 0;
  }

  @Command(
      name = "set_cpu_freq",
      description =
          "Scale a core: up, down, min, max, enable_turbo, disable_turbo. Example: set_cpu_freq 3 down")
  int setCpuFreq(
      @Parameters(paramLabel = "CORE", description = "the CPU number (decimal or 0x hex)")
          String core,
      @Parameters(
              paramLabel = "up|down|min|max|enable_turbo|disable_turbo",
              description =
                  "one step up or down, the lowest or highest frequency, or turbo on or off",
              completionCandidates = ScaleWords.class)
          String op)
      throws CommandException {
    return report(frequencies.setCpuFreq(CpuSet.of(cpu(core)), scale(op)));
  }

  @Command(
      name = "set_cpu_freq_mask",
      description = "Scale every core of a mask. Example: set_cpu_freq_mask 0xc min")
  int setCpuFreqMask(
      @Parameters(paramLabel = "MASK", description = "a CPU mask of any length, e.g. 0x30")
          String mask,
      @Parameters(
              paramLabel = "up|down|min|max|enable_turbo|disable_turbo",
              description =
                  "one step up or down, the lowest or highest frequency, or turbo on or off",
              completionCandidates = ScaleWords.class)
          String op)
      throws CommandException {
    return report(frequencies.setCpuFreq(mask(mask), scale(op)));
  }

  @Command(
      name = "show_cpus",
      description =
          "Every CPU: driver, governor, frequencies, turbo, the vCPUs on it. Example: show_cpus")
  int showCpus() {
    output.show(out(), "cpus", views.showCpus(), HostFormatter::cpus);
    return 0;
  }

  @Command(
      name = "show_stats",
      description =
          "Request counters per VM and channel, then each policy's decisions. Example: show_stats")
  int showStats() {
    // the text adds each policy's counts (in JSON they are show_policies')
    output.show(
        out(),
        "stats",
        views.showStats(),
        v -> {
          List<String> lines = new ArrayList<>(HostFormatter.stats(v));
          lines.addAll(PolicyFormatter.stats(policies.policyStats()));
          return lines;
        });
    return 0;
  }

  private static int cpu(String text) throws CommandException {
    int c = Numbers.parse(text, "core number");
    if (c > CpuSet.MAX_CPU) {
      throw new CommandException("core " + c + " is out of range");
    }
    return c;
  }

  private static CpuSet mask(String text) throws CommandException {
    try {
      return CpuSet.parseMask(text);
    } catch (IllegalArgumentException e) {
      throw new CommandException(e.getMessage());
    }
  }

  private static ScaleOp scale(String text) throws CommandException {
    try {
      return ScaleOp.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandException(e.getMessage());
    }
  }
}
