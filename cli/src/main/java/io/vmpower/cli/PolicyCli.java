package io.vmpower.cli;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.host.PolicyCommands;
import io.vmpower.core.policy.PolicyParameters;
import io.vmpower.core.policy.PolicyText;
import io.vmpower.core.policy.VmPolicy;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code vm_power>} commands of policies, caps and dedicated CPUs ({@link PolicyCommands}):
 * {@code show_policies}, {@code set_policy}, {@code rm_policy}, {@code set_vm_cap}, {@code
 * prepare_vm}, each its own picocli command, added to the host's command line by {@link #addTo}.
 */
public final class PolicyCli {
  private PolicyCli() {}

  /** Adds every command of this group to {@code root}, created through {@code factory}. */
  public static void addTo(CommandLine root, CommandLine.IFactory factory) {
    for (Class<?> c :
        List.of(
            ShowPolicies.class, SetPolicy.class, RmPolicy.class, SetVmCap.class, PrepareVm.class)) {
      root.addSubcommand(new CommandLine(c, factory));
    }
  }

  /** What each command of the group shares: the typed operations and the output. */
  @Command
  abstract static class Base implements Callable<Integer> {
    final PolicyCommands policies;
    @Spec CommandSpec spec;

    Base(PolicyCommands policies) {
      this.policies = policies;
    }

    void print(List<String> lines) {
      PrintWriter out = spec.commandLine().getOut();
      lines.forEach(out::println);
      out.flush();
    }
  }

  // ---- completion candidates

  public static final class KindWords implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return PolicyParameters.KINDS.iterator();
    }
  }

  public static final class ParameterWords implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      List<String> words = new ArrayList<>();
      for (String kind : PolicyParameters.KINDS) {
        for (String key : PolicyParameters.keys(kind)) {
          if (!words.contains(key + "=")) {
            words.add(key + "=");
          }
        }
      }
      return words.iterator();
    }
  }

  // ---- commands

  @Command(
      name = "show_policies",
      description =
          "Each VM's policy (kind, parameters, source, last decision and when), cap, decisions and"
              + " demands; the time zone, branch counters, dedicated CPUs and sampling cost."
              + " Example: show_policies")
  static final class ShowPolicies extends Base {
    @Parameters(
        paramLabel = "VM",
        arity = "0..1",
        description = "The VM to show (default: every VM).",
        completionCandidates = VmNameCandidates.class)
    String vm;

    private final ViewOutput output;

    @Inject
    ShowPolicies(PolicyCommands policies, ViewOutput output) {
      super(policies);
      this.output = output;
    }

    @Override
    public Integer call() throws CommandException {
      output.show(
          spec.commandLine().getOut(),
          "policies",
          policies.showPolicies(vm),
          PolicyFormatter::policies);
      return 0;
    }
  }

  @Command(
      name = "set_policy",
      description =
          "Set a VM's policy (replacing any): busy [target=80 band=5 period=100ms cooldown=300ms],"
              + " workload level=high|medium|low, time busy=HOURS quiet=HOURS [traffic=HOURS ...],"
              + " traffic macs=MAC,... max=PPS [avg=PPS min=PPS period=1s], branch_ratio; any"
              + " with vcpus=LIST guests=allow|deny. Example: set_policy vm1 busy target=75")
  static final class SetPolicy extends Base {
    @Parameters(
        index = "0",
        paramLabel = "VM",
        description = "The VM (its libvirt name).",
        completionCandidates = VmNameCandidates.class)
    String vm;

    @Parameters(
        index = "1",
        paramLabel = "KIND",
        description = "The policy: busy, workload, time, traffic or branch_ratio.",
        completionCandidates = KindWords.class)
    String kind;

    @Parameters(
        index = "2..*",
        paramLabel = "KEY=VALUE",
        arity = "0..*",
        description = "The policy's parameters (see above); omitted ones take their defaults.",
        completionCandidates = ParameterWords.class)
    List<String> words;

    @Inject
    SetPolicy(PolicyCommands policies) {
      super(policies);
    }

    @Override
    public Integer call() throws CommandException {
      Map<String, String> params;
      try {
        params = PolicyParameters.words(words == null ? List.of() : words);
      } catch (IllegalArgumentException e) {
        throw new CommandException(e.getMessage(), e);
      }
      VmPolicy rule = policies.setPolicy(vm, kind, params);
      print(List.of("VM '" + vm + "': policy set: " + PolicyText.rule(rule)));
      return 0;
    }
  }

  @Command(name = "rm_policy", description = "Remove a VM's policy. Example: rm_policy vm1")
  static final class RmPolicy extends Base {
    @Parameters(
        paramLabel = "VM",
        description = "The VM whose policy goes.",
        completionCandidates = VmNameCandidates.class)
    String vm;

    @Inject
    RmPolicy(PolicyCommands policies) {
      super(policies);
    }

    @Override
    public Integer call() throws CommandException {
      VmPolicy removed = policies.rmPolicy(vm);
      print(
          List.of(
              "VM '"
                  + vm
                  + "': "
                  + removed.policy().kind().word()
                  + " policy (set by the "
                  + removed.source().word()
                  + ") removed"));
      return 0;
    }
  }

  @Command(
      name = "set_vm_cap",
      description =
          "Cap the frequency a VM's guest and policy may ask for, in kHz (none lifts it); the"
              + " highest demand on a shared pCPU still wins. Example: set_vm_cap vm1 2000000")
  static final class SetVmCap extends Base {
    @Parameters(
        index = "0",
        paramLabel = "VM",
        description = "The VM (its libvirt name).",
        completionCandidates = VmNameCandidates.class)
    String vm;

    @Parameters(
        index = "1",
        paramLabel = "MAX_KHZ|none",
        description = "The highest frequency in kHz, or none to lift the cap.")
    String khz;

    @Inject
    SetVmCap(PolicyCommands policies) {
      super(policies);
    }

    @Override
    public Integer call() throws CommandException {
      long cap;
      if (khz.equals("none")) {
        cap = 0;
      } else if (!khz.isEmpty()
          && khz.length() <= 12
          && khz.chars().allMatch(c -> c >= '0' && c <= '9')) {
        cap = Long.parseLong(khz);
        if (cap == 0) {
          throw new CommandException("a cap of 0 kHz: give a frequency in kHz, or none");
        }
      } else {
        throw new CommandException(
            "'" + khz + "' is not a frequency in kHz: use e.g. 2000000, or none");
      }
      CpuSet cpus = policies.setVmCap(vm, cap);
      String where = cpus.isEmpty() ? "" : " (pCPUs " + cpus.toListString() + ")";
      print(
          List.of(
              cap == 0
                  ? "VM '" + vm + "': cap lifted"
                  : "VM '" + vm + "': capped at " + cap + " kHz" + where));
      return 0;
    }
  }

  @Command(
      name = "prepare_vm",
      description =
          "Raise the dedicated CPUs a VM will run on, before it starts: those of CPUS (a cpulist,"
              + " or all for an unpinned VM), else where the hypervisor says it will run"
              + " (libvirt's qemu hook runs it in its prepare phase with the CPUs of the domain"
              + " XML). Example: prepare_vm vm1")
  static final class PrepareVm extends Base {
    @Parameters(
        index = "0",
        paramLabel = "VM",
        description = "The VM (its libvirt name).",
        completionCandidates = VmNameCandidates.class)
    String vm;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "CPUS|all",
        description = "The CPUs (a cpulist, e.g. 2-3,6), or all of the VM's pinned CPUs.")
    String cpus;

    @Inject
    PrepareVm(PolicyCommands policies) {
      super(policies);
    }

    @Override
    public Integer call() throws CommandException {
      CpuSet set = null;
      if (cpus != null) {
        if (cpus.equals("all")) {
          set = CpuSet.range(0, CpuSet.MAX_CPU);
        } else {
          try {
            set = CpuSet.parseList(cpus);
          } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), e);
          }
        }
      }
      CpuSet raised = policies.prepareVm(vm, set);
      print(
          List.of(
              raised.isEmpty()
                  ? "VM '" + vm + "': no dedicated CPU to raise"
                  : "VM '" + vm + "': raised dedicated CPU(s) " + raised.toListString()));
      return 0;
    }
  }
}
