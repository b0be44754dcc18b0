package io.vmpower.core.vm;

/**
 * The state of one channel and every transition it may take, in one place.
 *
 * <pre>
 * DISCONNECTED --ATTACHED--> CONNECTED (or DISABLED when the operator disabled it)
 * CONNECTED    --REQUEST_STARTED--> PROCESSING --REQUEST_DONE--> CONNECTED (or DISABLED)
 * CONNECTED    --DISABLE--> DISABLED --ENABLE--> CONNECTED
 * any attached state --HUNG_UP--> DISCONNECTED
 * DISCONNECTED --DISABLE/ENABLE--> DISCONNECTED (remembered for the next attach)
 * PROCESSING   --DISABLE/ENABLE--> PROCESSING (takes effect at REQUEST_DONE)
 * DISABLED     --REQUEST_STARTED--> refused: the request is dropped
 * </pre>
 *
 * The operator's choice (enabled or disabled) survives hang-ups and re-attaches: unlike the
 * reference, a channel is never freed when its peer hangs up. Thread-safe: the monitor and the CLI
 * thread both drive it.
 */
public final class ChannelStateMachine {
  private ChannelState state = ChannelState.DISCONNECTED;
  private boolean enabled = true;

  public synchronized ChannelState state() {
    return state;
  }

  /** The operator's choice, which holds across hang-ups. */
  public synchronized boolean enabled() {
    return enabled;
  }

  /**
   * Applies {@code event} and returns the new state.
   *
   * @throws IllegalTransitionException when the event is impossible in the current state
   */
  public synchronized ChannelState fire(ChannelEvent event) {
    ChannelState next = next(state, event, enabled);
    switch (event) {
      case DISABLE -> enabled = false;
      case ENABLE -> enabled = true;
      default -> {}
    }
    state = next;
    return next;
  }

  /**
   * Starts serving a request: CONNECTED to PROCESSING and true; false (and no change) when the
   * channel is DISABLED, so the request is dropped. Cheap: called once per request.
   */
  public synchronized boolean tryStartRequest() {
    if (state == ChannelState.CONNECTED) {
      state = ChannelState.PROCESSING;
      return true;
    }
    if (state == ChannelState.DISABLED) {
      return false;
    }
    throw new IllegalTransitionException(state, ChannelEvent.REQUEST_STARTED);
  }

  /** The transition function itself: pure, so every edge can be tested. */
  static ChannelState next(ChannelState from, ChannelEvent event, boolean enabled) {
    return switch (from) {
      case DISCONNECTED ->
          switch (event) {
            case ATTACHED -> enabled ? ChannelState.CONNECTED : ChannelState.DISABLED;
            case HUNG_UP, DISABLE, ENABLE -> ChannelState.DISCONNECTED;
            case REQUEST_STARTED, REQUEST_DONE -> throw new IllegalTransitionException(from, event);
          };
      case CONNECTED ->
          switch (event) {
            case REQUEST_STARTED -> ChannelState.PROCESSING;
            case DISABLE -> ChannelState.DISABLED;
            case ENABLE -> ChannelState.CONNECTED;
            case HUNG_UP -> ChannelState.DISCONNECTED;
            case ATTACHED, REQUEST_DONE -> throw new IllegalTransitionException(from, event);
          };
      case DISABLED ->
          switch (event) {
            case ENABLE -> ChannelState.CONNECTED;
            case DISABLE -> ChannelState.DISABLED;
            case HUNG_UP -> ChannelState.DISCONNECTED;
            case ATTACHED, REQUEST_STARTED, REQUEST_DONE ->
                throw new IllegalTransitionException(from, event);
          };
      case PROCESSING ->
          switch (event) {
            case REQUEST_DONE -> enabled ? ChannelState.CONNECTED : ChannelState.DISABLED;
            case DISABLE, ENABLE -> ChannelState.PROCESSING;
            case HUNG_UP -> ChannelState.DISCONNECTED;
            case ATTACHED, REQUEST_STARTED -> throw new IllegalTransitionException(from, event);
          };
    };
  }
}
