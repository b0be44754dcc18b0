package io.vmpower.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlSettingsTest {
  private final ControlSettings d = ControlSettings.defaults();

  @Test
  void pathDefaultsToRunVmpower() {
    assertEquals(Path.of("/run/vmpower/control.sock"), d.path());
  }

  @Test
  void groupDefaultsToNoneThatIsRootOnly() {
    assertEquals("", d.group());
  }

  @Test
  void modeDefaultsTo0660() {
    assertEquals("0660", d.mode());
    assertEquals(0660, d.modeBits());
  }

  @Test
  void maxClientsDefaultsTo16() {
    assertEquals(16, d.maxClients());
  }

  @Test
  void maxRequestBytesDefaultsTo64KiB() {
    assertEquals(65536, d.maxRequestBytes());
  }

  @Test
  void maxOutputBytesDefaultsTo16MiB() {
    assertEquals(16 * 1024 * 1024, d.maxOutputBytes());
  }

  @Test
  void idleTimeoutDefaultsTo60Seconds() {
    assertEquals(60_000, d.idleTimeoutMillis());
    assertEquals(Duration.ofSeconds(60), d.idleTimeout());
  }

  @Test
  void writeTimeoutDefaultsTo10Seconds() {
    assertEquals(10_000, d.writeTimeoutMillis());
    assertEquals(Duration.ofSeconds(10), d.writeTimeout());
  }

  @Test
  void everyComponentLeftOutIsItsDefault() {
    assertEquals(d, new ControlSettings(null, null, null, null, null, null, null, null));
    ControlSettings s =
        new ControlSettings(Path.of("/x/c.sock"), null, null, 1, 256, 1024, 1000, null);
    assertEquals("", s.group());
    assertEquals("0660", s.mode());
    assertEquals(Duration.ofSeconds(1), s.idleTimeout());
    assertEquals(Duration.ofSeconds(10), s.writeTimeout());
  }

  @Test
  void badValuesAreRefusedSayingWhatIsAccepted() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> d.withMode("rw-rw----"))
            .getMessage()
            .contains("not an octal mode such as 0660"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> d.withMode("0460"))
            .getMessage()
            .contains("does not let its owner connect"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> d.withGroup("a b"))
            .getMessage()
            .contains("is not a group name or number"));
    assertThrows(IllegalArgumentException.class, () -> d.withPath(Path.of("/")));
    assertThrows(
        IllegalArgumentException.class,
        () -> d.withLimits(0, 65536, 1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> d.withLimits(4, 10, 1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> d.withLimits(4, 65536, 1 << 20, Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> d.withLimits(4, 65536, 1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(-1)));
  }

  @Test
  void withersChangeOneSetting() {
    ControlSettings s = d.withPath(Path.of("/tmp/c.sock")).withGroup("vmpower").withMode("0600");
    assertEquals(Path.of("/tmp/c.sock"), s.path());
    assertEquals("vmpower", s.group());
    assertEquals("0600", s.mode());
    assertEquals(d.maxClients(), s.maxClients());
  }
}
