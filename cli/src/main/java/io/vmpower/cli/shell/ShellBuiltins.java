package io.vmpower.cli.shell;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** The commands every shell has: {@code help [COMMAND]} and {@code quit}. */
final class ShellBuiltins {
  static final String HELP = "help";
  static final String QUIT = "quit";

  private ShellBuiltins() {}

  /** Adds {@code help} and {@code quit} to {@code root} unless it has commands of those names. */
  static void install(CommandLine root, Runnable quit) {
    if (!root.getSubcommands().containsKey(HELP)) {
      root.addSubcommand(HELP, new CommandLine(new Help(root).spec));
    }
    if (!root.getSubcommands().containsKey(QUIT)) {
      Callable<Integer> leave =
          () -> {
            quit.run();
            return 0;
          };
      CommandSpec spec = CommandSpec.wrapWithoutInspection(leave);
      spec.usageMessage().description("Leaves the shell.");
      root.addSubcommand(QUIT, new CommandLine(spec));
    }
  }

  /** {@code help}: lists the commands; {@code help COMMAND}: that command's usage. */
  private static final class Help implements Callable<Integer> {
    private final CommandLine root;
    private final CommandSpec spec;

    Help(CommandLine root) {
      this.root = root;
      this.spec = CommandSpec.wrapWithoutInspection(this);
      spec.usageMessage().description("Lists the commands, or shows how to use COMMAND.");
      spec.addPositional(
          PositionalParamSpec.builder()
              .paramLabel("COMMAND")
              .arity("0..1")
              .type(String.class)
              .description("the command to explain")
              .completionCandidates(() -> root.getSubcommands().keySet().iterator())
              .build());
    }

    @Override
    public Integer call() {
      PositionalParamSpec arg = spec.positionalParameters().get(0);
      String name = arg.getValue();
      PrintWriter out = spec.commandLine().getOut();
      if (name == null) {
        out.println("Commands:");
        out.print(root.getHelp().commandList());
        out.println("Type 'help COMMAND' to see how to use a command.");
        return 0;
      }
      CommandLine sub = root.getSubcommands().get(name);
      if (sub == null) {
        throw new IllegalArgumentException(
            "unknown command '" + name + "': type 'help' to list the commands");
      }
      out.print(ShellUsage.usage(sub));
      return 0;
    }
  }
}
