package io.vmpower.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.MetricsSettings.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsSettingsTest {
  @Test
  void offByDefault() {
    assertFalse(MetricsSettings.OFF.enabled());
    assertFalse(new MetricsSettings("").enabled());
    assertThrows(IllegalStateException.class, MetricsSettings.OFF::address);
  }

  @Test
  void aPortAloneListensOnLoopback() {
    MetricsSettings s = new MetricsSettings(":9464");
    assertTrue(s.enabled());
    assertEquals(new Address("127.0.0.1", 9464), s.address());
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:9464, 127.0.0.1, 9464",
    "0.0.0.0:0, 0.0.0.0, 0",
    "[::1]:65535, ::1, 65535",
    "localhost:80, localhost, 80"
  })
  void parsesAddresses(String text, String host, int port) {
    assertEquals(new Address(host, port), Address.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9464",
        "127.0.0.1:",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0.1:9x",
        "256.0.0.1:80",
        "example.com:80",
        "[zz]:80",
        "::1:80",
        "1.2.3:80"
      })
  void refusesWhatIsNotAnAddressAndSaysWhatIsAccepted(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MetricsSettings(text));
    assertTrue(e.getMessage().contains("expected ADDR:PORT"), e.getMessage());
  }

  @Test
  void printsIpv6InBrackets() {
    assertEquals("[::1]:9464", Address.parse("[::1]:9464").toString());
    assertEquals("127.0.0.1:9464", Address.parse(":9464").toString());
  }
}
