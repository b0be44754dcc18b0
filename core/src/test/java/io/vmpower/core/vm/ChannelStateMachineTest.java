package io.vmpower.core.vm;

import static io.vmpower.core.vm.ChannelEvent.ATTACHED;
import static io.vmpower.core.vm.ChannelEvent.DISABLE;
import static io.vmpower.core.vm.ChannelEvent.ENABLE;
import static io.vmpower.core.vm.ChannelEvent.HUNG_UP;
import static io.vmpower.core.vm.ChannelEvent.REQUEST_DONE;
import static io.vmpower.core.vm.ChannelEvent.REQUEST_STARTED;
import static io.vmpower.core.vm.ChannelState.CONNECTED;
import static io.vmpower.core.vm.ChannelState.DISABLED;
import static io.vmpower.core.vm.ChannelState.DISCONNECTED;
import static io.vmpower.core.vm.ChannelState.PROCESSING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelStateMachineTest {

  /**
   * Every edge of the diagram in ChannelStateMachine's javadoc, for an enabled and a disabled
   * channel; null marks an illegal pair. (HUNG_UP while DISCONNECTED and ENABLE while CONNECTED are
   * harmless repeats, accepted without change.)
   */
  private static Map<ChannelEvent, ChannelState> expected(ChannelState from, boolean enabled) {
    Map<ChannelEvent, ChannelState> m = new EnumMap<>(ChannelEvent.class);
    switch (from) {
      case DISCONNECTED -> {
        m.put(ATTACHED, enabled ? CONNECTED : DISABLED);
        m.put(HUNG_UP, DISCONNECTED);
        m.put(DISABLE, DISCONNECTED);
        m.put(ENABLE, DISCONNECTED);
      }
      case CONNECTED -> {
        m.put(REQUEST_STARTED, PROCESSING);
        m.put(DISABLE, DISABLED);
        m.put(ENABLE, CONNECTED);
        m.put(HUNG_UP, DISCONNECTED);
      }
      case DISABLED -> {
        m.put(ENABLE, CONNECTED);
        m.put(DISABLE, DISABLED);
        m.put(HUNG_UP, DISCONNECTED);
      }
      case PROCESSING -> {
        m.put(REQUEST_DONE, enabled ? CONNECTED : DISABLED);
        m.put(DISABLE, PROCESSING);
        m.put(ENABLE, PROCESSING);
        m.put(HUNG_UP, DISCONNECTED);
      }
    }
    return m;
  }

  @Test
  void everyStateAndEventPair() {
    int legal = 0;
    int illegal = 0;
    for (boolean enabled : new boolean[] {true, false}) {
      for (ChannelState from : ChannelState.values()) {
        Map<ChannelEvent, ChannelState> edges = expected(from, enabled);
        for (ChannelEvent event : ChannelEvent.values()) {
          String pair = from + " + " + event + (enabled ? "" : " (disabled)");
          ChannelState to = edges.get(event);
          if (to == null) {
            IllegalTransitionException e =
                assertThrows(
                    IllegalTransitionException.class,
                    () -> ChannelStateMachine.next(from, event, enabled),
                    pair);
            assertTrue(e.getMessage().contains(from.name()), e.getMessage());
            assertTrue(e.getMessage().contains(event.name()), e.getMessage());
            illegal++;
          } else {
            assertEquals(to, ChannelStateMachine.next(from, event, enabled), pair);
            legal++;
          }
        }
      }
    }
    assertEquals(2 * 4 * 6, legal + illegal);
    assertEquals(2 * 15, legal);
  }

  @Test
  void aNewChannelIsDisconnectedAndEnabled() {
    ChannelStateMachine m = new ChannelStateMachine();
    assertEquals(DISCONNECTED, m.state());
    assertTrue(m.enabled());
  }

  @Test
  void anIllegalEventChangesNothing() {
    ChannelStateMachine m = new ChannelStateMachine();
    m.fire(ATTACHED);

    assertThrows(IllegalTransitionException.class, () -> m.fire(ATTACHED));
    assertThrows(IllegalTransitionException.class, () -> m.fire(REQUEST_DONE));

    assertEquals(CONNECTED, m.state());
    assertTrue(m.enabled());
  }

  @Test
  void hangUpDisconnectsAndReattachConnects() {
    ChannelStateMachine m = new ChannelStateMachine();
    assertEquals(CONNECTED, m.fire(ATTACHED));

    assertEquals(DISCONNECTED, m.fire(HUNG_UP));
    assertEquals(CONNECTED, m.fire(ATTACHED));
  }

  @Test
  void disabledSurvivesHangUpAndReattach() {
    ChannelStateMachine m = new ChannelStateMachine();
    m.fire(ATTACHED);
    assertEquals(DISABLED, m.fire(DISABLE));

    assertEquals(DISCONNECTED, m.fire(HUNG_UP));
    assertFalse(m.enabled());
    assertEquals(DISABLED, m.fire(ATTACHED));
  }

  @Test
  void disableWhileDisconnectedTakesEffectAtAttach() {
    ChannelStateMachine m = new ChannelStateMachine();
    assertEquals(DISCONNECTED, m.fire(DISABLE));
    assertEquals(DISABLED, m.fire(ATTACHED));
    assertEquals(CONNECTED, m.fire(ENABLE));
  }

  @Test
  void disableDuringProcessingTakesEffectAtRequestDone() {
    ChannelStateMachine m = new ChannelStateMachine();
    m.fire(ATTACHED);
    assertTrue(m.tryStartRequest());
    assertEquals(PROCESSING, m.state());

    assertEquals(PROCESSING, m.fire(DISABLE));
    assertEquals(DISABLED, m.fire(REQUEST_DONE));
  }

  @Test
  void enableDuringProcessingTakesEffectAtRequestDone() {
    ChannelStateMachine m = new ChannelStateMachine();
    m.fire(DISABLE);
    m.fire(ATTACHED);
    m.fire(ENABLE);
    m.fire(REQUEST_STARTED);
    m.fire(DISABLE);

    assertEquals(PROCESSING, m.fire(ENABLE));
    assertEquals(CONNECTED, m.fire(REQUEST_DONE));
  }

  @Test
  void tryStartRequestOnDisabledReturnsFalseWithoutChange() {
    ChannelStateMachine m = new ChannelStateMachine();
    m.fire(ATTACHED);
    m.fire(DISABLE);

    assertFalse(m.tryStartRequest());
    assertEquals(DISABLED, m.state());
    assertFalse(m.enabled());
  }

  @Test
  void tryStartRequestWhenNotAttachedOrBusyThrows() {
    ChannelStateMachine m = new ChannelStateMachine();
    assertThrows(IllegalTransitionException.class, m::tryStartRequest);
    m.fire(ATTACHED);
    assertTrue(m.tryStartRequest());
    assertThrows(IllegalTransitionException.class, m::tryStartRequest);
    assertEquals(PROCESSING, m.state());
  }
}
