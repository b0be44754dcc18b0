package io.vmpower.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void countsEachObservationInTheFirstBucketThatHoldsIt() {
    LatencyHistogram h = new LatencyHistogram(10, 100);
    h.record(10, 1); // on the bound: in it
    h.record(11, 3); // three of 11 ns
    h.record(1_000, 2); // above every bound
    LatencyHistogram.Snapshot s = h.snapshot();
    assertArrayEquals(new long[] {1, 3, 2}, s.counts());
    assertEquals(6, s.count());
    assertEquals(10 + 33 + 2_000, s.sumNanos());
    assertArrayEquals(new long[] {10, 100}, s.upperBoundsNanos());
  }

  @Test
  void boundsMustAscend() {
    assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(10, 10));
    assertThrows(IllegalArgumentException.class, LatencyHistogram::new);
  }
}
