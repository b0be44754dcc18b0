package io.vmpower.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The defaults of the drift and energy settings (what the configuration's sections will carry). */
class DriftAndEnergySettingsTest {
  @Test
  void driftIsCheckedEveryTenSecondsAndAdoptedByDefault() {
    assertEquals(Duration.ofSeconds(10), DriftSettings.DEFAULTS.interval());
    assertEquals(DriftSettings.Action.ADOPT, DriftSettings.DEFAULTS.action());
    assertTrue(DriftSettings.DEFAULTS.timerOn());
    assertFalse(new DriftSettings(Duration.ZERO, DriftSettings.Action.REAPPLY).timerOn());
  }

  @Test
  void driftSettingsRefuseWhatCannotWork() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new DriftSettings(Duration.ofMillis(-1), DriftSettings.Action.ADOPT));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DriftSettings(Duration.ofMillis(10), DriftSettings.Action.ADOPT));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DriftSettings.Action.parse("ADOPT"));
    assertEquals("unknown drift action 'ADOPT': use adopt or reapply", e.getMessage());
    assertEquals(DriftSettings.Action.REAPPLY, DriftSettings.Action.parse("reapply"));
  }

  @Test
  void energyIsSampledEveryFiveSecondsByDefault() {
    assertEquals(Duration.ofSeconds(5), EnergySettings.DEFAULTS.interval());
    assertThrows(IllegalArgumentException.class, () -> new EnergySettings(Duration.ofMillis(50)));
    assertEquals(Duration.ZERO, new EnergySettings(Duration.ZERO).interval());
  }
}
