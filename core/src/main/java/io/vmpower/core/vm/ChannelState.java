package io.vmpower.core.vm;

/** The state of one VM channel on the host, as {@code show_vm} prints it. */
public enum ChannelState {
  /** No connection to the VM's socket; the monitor re-attaches it by itself. */
  DISCONNECTED,
  /** Attached and serving requests. */
  CONNECTED,
  /** Attached; requests are read and dropped (the operator disabled the channel). */
  DISABLED,
  /** Attached; a request is being served right now. */
  PROCESSING
}
