package io.vmpower.cli;

import io.vmpower.core.host.CommandException;
import io.vmpower.shell.ShellRunner;
import java.io.PrintWriter;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * How the host reports a word that a converter refused with a {@link CommandException} (a channel
 * list): as the command's own error, {@code Error: } and the message with exit code 1, as when the
 * command parsed the word itself. Any other mistyped line goes to the shell's handler.
 */
final class HostParameterErrors implements IParameterExceptionHandler {
  private final IParameterExceptionHandler shell;

  HostParameterErrors(IParameterExceptionHandler shell) {
    this.shell = shell;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) throws Exception {
    if (ex.getCause() instanceof CommandException refused) {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("Error: " + refused.getMessage());
      err.flush();
      return ShellRunner.COMMAND_FAILED;
    }
    return shell.handleParseException(ex, args);
  }
}
