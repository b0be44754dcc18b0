package io.vmpower.cli.shell;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How a shell reports a failed command: one line, never a stack trace. A mistyped command gets
 * picocli's message and the command's synopsis; a command that throws gets its message.
 */
final class ShellErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  /** The exit code of a command that threw. */
  static final int FAILED = 1;

  /** The exit code of a command line that could not be parsed. */
  static final int USAGE = 2;

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(ex.getMessage());
    err.println(usageHint(cmd));
    err.flush();
    return USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    err.println("Error: " + describe(ex));
    err.flush();
    return FAILED;
  }

  /** {@code Usage: NAME SYNOPSIS (type 'help NAME' for details)}. */
  static String usageHint(CommandLine cmd) {
    if (cmd.getParent() == null) {
      return "Type 'help' to list the commands.";
    }
    return "Usage: "
        + ShellUsage.synopsis(cmd)
        + " (type 'help "
        + cmd.getCommandName()
        + "' for details)";
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
