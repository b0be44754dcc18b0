package io.vmpower.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuildInfoTest {

  @Test
  void theVersionIsThePomsVersion() {
    String pom = System.getProperty("vmpower.pom.version");
    assertTrue(pom != null && !pom.isBlank(), "surefire passes the pom's version");
    assertEquals(pom, BuildInfo.version());
  }

  @Test
  void anUnfilteredResourceIsRefused() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> BuildInfo.load(BuildInfoTest.class, "unfiltered-build.properties"));
    assertTrue(e.getMessage().contains("not filled in by Maven"), e.getMessage());
  }

  @Test
  void aMissingResourceIsRefused() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> BuildInfo.load(BuildInfoTest.class, "no-such.properties"));
    assertTrue(e.getMessage().contains("no no-such.properties"), e.getMessage());
  }
}
