package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumbersTest {

  @Test
  void parsesDecimalAndHex() throws CommandException {
    assertEquals(12, Numbers.parse("12", "vCPU"));
    assertEquals(12, Numbers.parse("0xc", "vCPU"));
    assertEquals(12, Numbers.parse("0XC", "vCPU"));
    assertEquals(7, Numbers.parse(" 7\n", "vCPU"));
    assertEquals(Integer.MAX_VALUE, Numbers.parse("0x7fffffff", "vCPU"));
    assertEquals(Integer.MAX_VALUE, Numbers.parse("2147483647", "vCPU"));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "",
        "-1",
        "+1",
        "0x",
        "0x-1",
        "0x+1",
        "0x 1",
        "12a",
        "1.0",
        "2147483648",
        "0x80000000",
        "99999999999",
        "\u0661\u0662",
        "0x\u0663",
        "0x\uFF21",
        "\uFF11"
      })
  void badNumbersAreRejectedWithAMessage(String text) {
    CommandException e = assertThrows(CommandException.class, () -> Numbers.parse(text, "vCPU"));

    assertEquals(
        "'" + text + "' is not a valid vCPU: use a number in decimal (12) or hex (0xc)",
        e.getMessage());
  }

  @Test
  void parsesLists() throws CommandException {
    assertEquals(CpuSet.of(0, 1, 3), Numbers.parseList("0,1,3", "channel"));
    assertEquals(CpuSet.of(0, 1, 2, 3, 5), Numbers.parseList("0-3,5", "channel"));
    assertEquals(CpuSet.of(2, 3, 4), Numbers.parseList("0x2-0x4", "channel"));
    assertEquals(CpuSet.of(1, 2), Numbers.parseList(" 1 , 2 ", "channel"));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "3-1",
        "1,",
        ",1",
        "a",
        "1-",
        "-1",
        "0x-1",
        "1,,2",
        "0x\u0663",
        "2147483647",
        "1048577",
        "0-2147483647",
        "2147483000-2147483647"
      })
  void badListsAreRejectedWithAMessage(String text) {
    CommandException e =
        assertThrows(CommandException.class, () -> Numbers.parseList(text, "channel"));

    assertTrue(
        e.getMessage().startsWith("'" + text + "' is not a valid channel list: bad part '"),
        e.getMessage());
  }

  @Test
  void anEmptyListIsRejected() {
    CommandException e =
        assertThrows(CommandException.class, () -> Numbers.parseList(" ", "channel"));
    assertEquals("empty channel list: use numbers like 0,1,3 or 0-3", e.getMessage());
  }

  @Test
  void joins() {
    assertEquals("0, 3, 5", Numbers.join(List.of(0, 3, 5)));
    assertEquals("", Numbers.join(List.of()));
  }
}
