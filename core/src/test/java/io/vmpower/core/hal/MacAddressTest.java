package io.vmpower.core.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {
  @Test
  void parsesTheNotationsAndPrintsLibvirts() {
    MacAddress a = MacAddress.parse("52:54:00:AB:cd:0f");
    assertEquals("52:54:00:ab:cd:0f", a.toString());
    assertEquals(a, MacAddress.parse("52-54-00-ab-cd-0f"));
    assertEquals(a, MacAddress.parse("5254:00ab:cd0f"), "DPDK's XXXX:XXXX:XXXX");
    assertEquals(0x525400abcd0fL, a.bits());
  }

  @Test
  void dpdkVfidHoldsTheOctetsInMemoryOrderAndItsTopBytesAreIgnored() {
    MacAddress a = MacAddress.parse("aa:bb:cc:dd:ee:ff");
    assertEquals(0x0000ffeeddccbbaaL, a.toDpdkVfid());
    assertEquals(a, MacAddress.fromDpdkVfid(0x1234ffeeddccbbaaL), "uninitialised top bytes");
  }

  @Test
  void tellsWhatANicCanHave() {
    assertTrue(MacAddress.parse("52:54:00:00:00:01").isUnicast());
    assertFalse(MacAddress.parse("00:00:00:00:00:00").isUnicast());
    assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
    assertFalse(MacAddress.parse("ff:ff:ff:ff:ff:ff").isUnicast());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "52:54:00:00:00",
        "52:54:00:00:00:001",
        "52:54:00:00:00:0g",
        "5254-00ab-cd0f",
        "52:54:00:00:00:01:02",
        " : : : : : "
      })
  void refusesAnythingElse(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    assertTrue(e.getMessage().contains("is not a MAC address"), e.getMessage());
  }
}
