package io.vmpower.core.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.testing.FakeCpuFrequencies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where each operation moves a CPU, per the "Frequency table semantics" of platform-facts.md. */
class ScalingPolicyTest {
  /** 2601000 (turbo) 2600000 2400000 ... 1200000: indexes 0 to 8. */
  private static final FrequencyTable TURBO = FakeCpuFrequencies.TURBO_TABLE;

  /** 2400000 2000000 1600000 1200000: indexes 0 to 3. */
  private static final FrequencyTable PLAIN = FakeCpuFrequencies.PLAIN_TABLE;

  @Test
  void theTablesAreWhatTheTestsAssume() {
    assertTrue(TURBO.hasTurbo());
    assertEquals(2601000, TURBO.get(0));
    assertEquals(1200000, TURBO.get(8));
    assertFalse(PLAIN.hasTurbo());
    assertEquals(3, PLAIN.lowestIndex());
  }

  @ParameterizedTest(name = "{0} from {1}, turbo {2} -> {3}")
  @CsvSource({
    "UP, 5, true, 4",
    "UP, 2, true, 1",
    "UP, 1, true, 0",
    "UP, 0, true, 0",
    "UP, 1, false, 1",
    "UP, 2, false, 1",
    "UP, 0, false, 0",
    "DOWN, 0, true, 1",
    "DOWN, 7, true, 8",
    "DOWN, 8, true, 8",
    "DOWN, 8, false, 8",
    "MAX, 8, true, 0",
    "MAX, 8, false, 1",
    "MAX, 0, false, 1",
    "MAX, 1, false, 1",
    "MIN, 0, true, 8",
    "MIN, 8, false, 8",
    "ENABLE_TURBO, 5, true, 0",
    "DISABLE_TURBO, 0, false, 1",
    "DISABLE_TURBO, 1, false, 1",
    "DISABLE_TURBO, 5, false, 5",
  })
  void withTurbo(ScaleOp op, int from, boolean turbo, int to) {
    assertEquals(to, ScalingPolicy.targetIndex(op, TURBO, from, turbo));
  }

  @ParameterizedTest(name = "{0} from {1} -> {2}")
  @CsvSource({
    "UP, 2, 1",
    "UP, 0, 0",
    "DOWN, 2, 3",
    "DOWN, 3, 3",
    "MAX, 3, 0",
    "MIN, 0, 3",
    "DISABLE_TURBO, 0, 0",
    "DISABLE_TURBO, 2, 2",
  })
  void withoutTurbo(ScaleOp op, int from, int to) {
    assertEquals(to, ScalingPolicy.targetIndex(op, PLAIN, from, false));
  }

  @Test
  void onlyTheTurboOperationsTouchTurbo() {
    assertEquals(Boolean.TRUE, ScalingPolicy.turboSetting(ScaleOp.ENABLE_TURBO));
    assertEquals(Boolean.FALSE, ScalingPolicy.turboSetting(ScaleOp.DISABLE_TURBO));
    for (ScaleOp op : new ScaleOp[] {ScaleOp.UP, ScaleOp.DOWN, ScaleOp.MAX, ScaleOp.MIN}) {
      assertNull(ScalingPolicy.turboSetting(op));
    }
  }

  @Test
  void wireUnitsAndKeywords() {
    for (ScaleOp op : ScaleOp.values()) {
      assertEquals(op, ScaleOp.fromUnit(op.unit()));
      assertEquals(op, ScaleOp.parse(op.keyword()));
    }
    assertEquals(ScaleOp.UP, ScaleOp.fromUnit(1));
    assertEquals(ScaleOp.DISABLE_TURBO, ScaleOp.fromUnit(6));
    assertNull(ScaleOp.fromUnit(0));
    assertNull(ScaleOp.fromUnit(7));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ScaleOp.parse("UP"));
    assertTrue(e.getMessage().contains("use up, down"), e.getMessage());
  }

  @Test
  void worstOutcome() {
    assertEquals(ScaleOutcome.FAILED, ScaleOutcome.CHANGED.worst(ScaleOutcome.FAILED));
    assertEquals(ScaleOutcome.FAILED, ScaleOutcome.FAILED.worst(ScaleOutcome.UNCHANGED));
    assertEquals(ScaleOutcome.CHANGED, ScaleOutcome.UNCHANGED.worst(ScaleOutcome.CHANGED));
    assertEquals(ScaleOutcome.UNCHANGED, ScaleOutcome.UNCHANGED.worst(ScaleOutcome.UNCHANGED));
  }
}
