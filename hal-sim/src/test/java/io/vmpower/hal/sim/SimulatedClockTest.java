package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatedClockTest {
  @Test
  void aManualClockMovesOnlyWhenAdvanced() {
    SimulatedClock clock = SimulatedClock.manual();
    assertEquals(SimulatedClock.START_NANOS, clock.nanoTime());
    assertEquals(SimulatedClock.START.toEpochMilli(), clock.currentTimeMillis());
    assertEquals(SimulatedClock.START_NANOS, clock.nanoTime());
    clock.advance(Duration.ofMillis(1500));
    assertEquals(SimulatedClock.START_NANOS + 1_500_000_000L, clock.nanoTime());
    assertEquals(SimulatedClock.START.toEpochMilli() + 1500, clock.currentTimeMillis());
    assertEquals(Duration.ofMillis(1500), clock.elapsed());
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
  }

  @Test
  void aRealTimeClockIsMonotonicAndCanBeAdvanced() {
    SimulatedClock clock = SimulatedClock.followingRealTime();
    long a = clock.nanoTime();
    clock.advance(Duration.ofHours(1));
    long b = clock.nanoTime();
    assertTrue(b - a >= Duration.ofHours(1).toNanos());
    assertTrue(clock.nanoTime() >= b);
  }
}
