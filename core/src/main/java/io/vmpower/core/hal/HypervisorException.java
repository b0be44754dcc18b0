package io.vmpower.core.hal;

/** A hypervisor call failed (connection lost, refused, unknown domain, ...). */
public class HypervisorException extends Exception {
  public HypervisorException(String message) {
    super(message);
  }

  public HypervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
