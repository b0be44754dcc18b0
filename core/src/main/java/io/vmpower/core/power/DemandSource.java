package io.vmpower.core.power;

/** What set a VM's demand on a physical CPU. */
public enum DemandSource {
  /** A guest's CPU_POWER request. */
  GUEST,
  /** An evaluation of the VM's policy. */
  POLICY,
  /** The VM's frequency when an operator capped it (the VM holds what it runs at). */
  CAP;

  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
