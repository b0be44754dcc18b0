package io.vmpower.core.hal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrequencyTableTest {

  @Test
  void detectsTurboTheAcpiCpufreqWay() {
    FrequencyTable t = FrequencyTable.of(2601000, 2600000, 2400000, 1200000);

    assertTrue(t.hasTurbo());
    assertEquals("2601000 (turbo) 2600000 2400000 1200000", t.toString());
    assertFalse(FrequencyTable.of(2602000, 2600000, 1200000).hasTurbo());
    assertFalse(FrequencyTable.of(2600000).hasTurbo());
  }

  @Test
  void sortsHighestFirstAndDropsDuplicates() {
    FrequencyTable t = FrequencyTable.of(1200000, 2400000, 1800000, 2400000);

    assertArrayEquals(new long[] {2400000, 1800000, 1200000}, t.toArray());
    assertEquals(2, t.lowestIndex());
    assertEquals(1, t.indexOf(1800000));
    assertEquals(-1, t.indexOf(1700000));
  }

  @Test
  void nearestIndexPrefersTheHigherOnATie() {
    FrequencyTable t = FrequencyTable.of(2400000, 2000000, 1600000);

    assertEquals(1, t.nearestIndex(2100000));
    assertEquals(0, t.nearestIndex(2200000));
    assertEquals(2, t.nearestIndex(100));
    assertEquals(0, t.nearestIndex(9_000_000));
  }

  @Test
  void theCallerMayStateTurbo() {
    assertTrue(FrequencyTable.of(true, 3500000, 2600000).hasTurbo());
    assertFalse(FrequencyTable.of(false, 2601000, 2600000).hasTurbo());
    assertThrows(IllegalArgumentException.class, () -> FrequencyTable.of(true, 2600000));
  }

  @Test
  void badTablesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> FrequencyTable.of());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FrequencyTable.of(2600000, 0));
    assertTrue(e.getMessage().contains("not positive"), e.getMessage());
  }
}
