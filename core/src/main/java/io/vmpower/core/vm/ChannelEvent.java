package io.vmpower.core.vm;

/** What can happen to a channel; each event is a transition of {@link ChannelStateMachine}. */
public enum ChannelEvent {
  /** The host end connected to the VM's socket (first attach or re-attach). */
  ATTACHED,
  /** The peer hung up, the socket failed, or the operator removed the channel's connection. */
  HUNG_UP,
  /** The operator disabled the channel. */
  DISABLE,
  /** The operator enabled the channel. */
  ENABLE,
  /** The monitor starts serving a request read from the channel. */
  REQUEST_STARTED,
  /** The monitor finished serving that request. */
  REQUEST_DONE
}
