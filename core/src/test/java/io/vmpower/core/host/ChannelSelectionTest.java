package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmpower.core.cpu.CpuSet;
import org.junit.jupiter.api.Test;

/** {@code all} or a channel list, parsed before any command sees it, with the list's messages. */
class ChannelSelectionTest {

  @Test
  void allIsTheWordAll() throws Exception {
    assertSame(ChannelSelection.ALL, ChannelSelection.parse("all"));
    assertEquals("all", ChannelSelection.ALL.toString());
  }

  @Test
  void listsAndRangesAreNumbers() throws Exception {
    ChannelSelection s = ChannelSelection.parse("0,1,3-5,0x8");

    ChannelSelection.Listed listed = assertInstanceOf(ChannelSelection.Listed.class, s);
    assertEquals(CpuSet.of(0, 1, 3, 4, 5, 8), listed.numbers());
  }

  @Test
  void anythingElseGetsTheChannelListMessage() {
    for (String bad : new String[] {"ALL", "al", "zero", "1-", "1-0", "-1", "2147483647"}) {
      CommandException e =
          assertThrows(CommandException.class, () -> ChannelSelection.parse(bad), bad);
      CommandException same =
          assertThrows(CommandException.class, () -> Numbers.parseList(bad, "channel"), bad);
      assertEquals(same.getMessage(), e.getMessage());
    }
    assertEquals(
        "empty channel list: use numbers like 0,1,3 or 0-3",
        assertThrows(CommandException.class, () -> ChannelSelection.parse(" ")).getMessage());
  }
}
