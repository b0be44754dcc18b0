package io.vmpower.core.host;

/**
 * An operator's command could not be carried out. The message says what was wrong and what is
 * accepted; nothing was changed.
 */
public class CommandException extends Exception {
  public CommandException(String message) {
    super(message);
  }

  public CommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
