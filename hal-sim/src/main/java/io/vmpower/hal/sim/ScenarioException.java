package io.vmpower.hal.sim;

/**
 * A scenario is wrong. The message names the file (or other source), the field and what is
 * accepted, e.g. {@code s.yaml: vms[0].pinning[1]: pCPU 9 does not exist (host.cpus is 8)}.
 */
public class ScenarioException extends IllegalArgumentException {
  public ScenarioException(String message) {
    super(message);
  }

  public ScenarioException(String message, Throwable cause) {
    super(message, cause);
  }
}
