package io.vmpower.core.hal;

/** A virtual machine's run state as the hypervisor reports it. */
public enum VmState {
  RUNNING,
  PAUSED,
  SHUT_OFF,
  CRASHED,
  OTHER;

  /** Active means QEMU runs for it: its channels can be attached. */
  public boolean isActive() {
    return this == RUNNING || this == PAUSED;
  }

  /** The word {@code show_vm} prints: {@code ACTIVE} or {@code INACTIVE}, as the reference does. */
  public String statusWord() {
    return isActive() ? "ACTIVE" : "INACTIVE";
  }
}
