package io.vmpower.core.config;

/**
 * A configuration value that is refused: thrown by the configuration records' constructors. {@link
 * #key()} names the key in the file's spelling (kebab case) relative to the record that refused it,
 * so that a loader can point at the line; the message says what was wrong and what is accepted.
 */
public final class ConfigValueException extends IllegalArgumentException {
  private final String key;

  public ConfigValueException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The refused key, e.g. {@code max-per-vm}. */
  public String key() {
    return key;
  }
}
