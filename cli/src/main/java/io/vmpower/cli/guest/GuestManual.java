package io.vmpower.cli.guest;

import io.vmpower.cli.shell.ShellRunner;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The guest program's command model as its manual page shows it (io.vmpower.cli.manpage): the
 * program's options, and the {@code vm_power(guest)>} shell's commands with {@code help} and {@code
 * quit}. The shell's commands here have no power library: they describe, they cannot run.
 */
public final class GuestManual {
  private GuestManual() {}

  /** {@code guest-vm-power-mgr} and its options. */
  public static CommandSpec program() {
    return new CommandLine(new GuestMain(null, null, null, false, GuestManual::noCpus))
        .getCommandSpec();
  }

  /** The shell's commands, as {@code help} lists them. */
  public static CommandSpec shell() {
    CommandLine commands = GuestShell.commands(null);
    new ShellRunner(commands, GuestShell.PROMPT);
    return commands.getCommandSpec();
  }

  /** The shell's prompt. */
  public static String prompt() {
    return GuestShell.PROMPT.strip();
  }

  private static io.vmpower.core.hal.CpuFrequencies noCpus(Path sysfs) {
    throw new UnsupportedOperationException("a manual page's model runs nothing");
  }
}
