package io.vmpower.core.policy;

import java.util.Locale;

/** Who set a VM's policy. A guest may replace or remove only a policy a guest set. */
public enum PolicySource {
  /** A guest's PKT_POLICY packet. */
  GUEST,
  /** The daemon's configuration file. */
  CONFIG,
  /** An operator: {@code set_policy}, or DPDK's JSON instructions on the control socket. */
  OPERATOR;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
