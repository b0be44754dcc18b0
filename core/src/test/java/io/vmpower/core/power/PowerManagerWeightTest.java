package io.vmpower.core.power;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.testing.FakeCpuFrequencies;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The weight integral ∫ w(f) dt the per-VM energy attribution reads: advanced at every frequency
 * write the power manager makes, and at an adopted outside change; w(f) from docs/energy.md.
 */
class PowerManagerWeightTest {
  private static final double S = 0.74 / 3.5;
  private static final double TEN_S = 10e9;

  private static double w(double khz) {
    double r = khz / 2_600_000.0; // the nominal frequency of TURBO_TABLE
    return S + (1 - S) * r * r * r;
  }

  @Test
  void theIntegralFollowsEveryWriteAndAnAdoptedChange() throws Exception {
    FakeClock clock = new FakeClock();
    FakeCpuFrequencies hw = FakeCpuFrequencies.uniform(2, FakeCpuFrequencies.TURBO_TABLE, 1);
    PowerManager power = new PowerManager(hw, clock, HostTimers.NONE);
    assertEquals(0, power.weightIntegral(0), "nothing before tracking");
    power.trackWeights();
    clock.advance(Duration.ofSeconds(10));
    assertEquals(TEN_S * w(2_600_000), power.weightIntegral(0), 1);
    power.scale(0, ScaleOp.MIN); // 1.2 GHz
    clock.advance(Duration.ofSeconds(10));
    double expected = TEN_S * (w(2_600_000) + w(1_200_000));
    assertEquals(expected, power.weightIntegral(0), 1);
    // someone else sets 2.0 GHz; the drift check adopts it
    hw.setIndex(0, 4);
    clock.advance(Duration.ofSeconds(10));
    expected += TEN_S * w(1_200_000); // not seen until adopted
    power.locked(0, () -> power.adoptCurrent(0));
    clock.advance(Duration.ofSeconds(10));
    expected += TEN_S * w(2_000_000);
    assertEquals(expected, power.weightIntegral(0), 1);
    assertEquals(TEN_S * 4 * w(2_600_000), power.weightIntegral(1), 1, "CPU 1 stayed nominal");
  }
}
