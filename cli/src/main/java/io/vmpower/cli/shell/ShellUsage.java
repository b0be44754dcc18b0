package io.vmpower.cli.shell;

import picocli.CommandLine;

/**
 * A shell command's usage without the shell's own name: {@code Usage: count N}, not {@code Usage:
 * vm_power count N} (picocli puts the parent's name before a subcommand's).
 */
final class ShellUsage {
  private ShellUsage() {}

  /** The one-line synopsis of {@code cmd}, e.g. {@code set_cpu_freq LCORE OP}. */
  static String synopsis(CommandLine cmd) {
    return withoutRoot(cmd, cmd.getHelp().synopsis(0).strip());
  }

  /** The full usage message of {@code cmd}. */
  static String usage(CommandLine cmd) {
    String text = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
    String prefix = "Usage: " + rootName(cmd);
    if (text.startsWith(prefix)) {
      return "Usage: " + text.substring(prefix.length()).stripLeading();
    }
    return text;
  }

  private static String withoutRoot(CommandLine cmd, String synopsis) {
    String root = rootName(cmd);
    if (!root.isEmpty() && synopsis.startsWith(root + " ")) {
      return synopsis.substring(root.length() + 1);
    }
    return synopsis;
  }

  private static String rootName(CommandLine cmd) {
    CommandLine c = cmd;
    while (c.getParent() != null) {
      c = c.getParent();
    }
    return c == cmd ? "" : c.getCommandSpec().qualifiedName();
  }
}
