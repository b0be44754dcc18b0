package io.vmpower.core.config;

/**
 * A configuration file that cannot be used: unreadable, not YAML, an unknown key, a value of the
 * wrong type or out of range. The message is one line that names the file, the line and column,
 * what was wrong and what is accepted.
 */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
