package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vmpower.cli.guest.GuestMain;
import io.vmpower.hal.linux.cpufreq.SysfsCpuFrequencies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both programs say the pom's version, the one the package, image and metrics carry too. */
class VersionTest {
  private static final String POM = System.getProperty("vmpower.pom.version");

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V"})
  void theHostSaysThePomsVersion(String option) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        HostMain.run(
            new String[] {option},
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertFalse(POM == null || POM.isBlank(), "surefire passes the pom's version");
    assertEquals("vmpower " + POM + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V"})
  void theGuestSaysThePomsVersion(String option) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new GuestMain(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false,
                SysfsCpuFrequencies::new)
            .run(option);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertEquals("vmpower " + POM + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
  }
}
