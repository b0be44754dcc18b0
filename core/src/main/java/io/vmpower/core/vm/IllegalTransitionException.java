package io.vmpower.core.vm;

/** An event that has no transition from the channel's current state. */
public class IllegalTransitionException extends IllegalStateException {
  public IllegalTransitionException(ChannelState from, ChannelEvent event) {
    super("channel in state " + from + " cannot take event " + event);
  }
}
