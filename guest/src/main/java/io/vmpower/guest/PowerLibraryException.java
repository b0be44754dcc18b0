package io.vmpower.guest;

/**
 * The power library could not start using an lcore: no environment found, no port, no host
 * attached, no frequency control. The message says what was tried and what to check.
 */
public class PowerLibraryException extends Exception {
  public PowerLibraryException(String message) {
    super(message);
  }

  public PowerLibraryException(String message, Throwable cause) {
    super(message, cause);
  }
}
