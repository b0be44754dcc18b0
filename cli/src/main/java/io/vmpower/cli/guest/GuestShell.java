package io.vmpower.cli.guest;

import io.vmpower.cli.shell.ShellConverters;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.guest.PowerLibrary;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The commands of the {@code vm_power(guest)>} shell over one power library. */
@Command(name = "vm_power", description = "VM Power Manager guest CLI.")
final class GuestShell {
  static final String PROMPT = "vm_power(guest)> ";

  private GuestShell() {}

  /** The shell's commands: set_cpu_freq, query_cpu_freq, query_cpu_caps. */
  static CommandLine commands(PowerLibrary library) {
    CommandLine root = new CommandLine(new GuestShell(), new GuestCommandFactory(library));
    root.addSubcommand(new SetCpuFreqCommand(library));
    root.addSubcommand(new QueryCpuFreqCommand(library));
    root.addSubcommand(new QueryCpuCapsCommand(library));
    root.registerConverter(ScaleOp.class, ShellConverters.of(ScaleOp::parse));
    root.registerConverter(LcoreChoice.class, ShellConverters.of(LcoreChoice::parse));
    return root;
  }
}
