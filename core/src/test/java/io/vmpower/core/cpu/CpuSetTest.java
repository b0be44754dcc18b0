package io.vmpower.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CpuSetTest {

  @Test
  void parsesTheKernelsCpulist() {
    assertArrayEquals(new int[] {0, 1, 2, 3, 5, 7, 8, 9}, CpuSet.parseList("0-3,5,7-9").toArray());
    assertEquals(CpuSet.of(4), CpuSet.parseList("4"));
    assertEquals(CpuSet.range(0, 63), CpuSet.parseList("0-63"));
  }

  @Test
  void parsesAStride() {
    assertArrayEquals(new int[] {0, 2, 4, 6, 8}, CpuSet.parseList("0-8:2").toArray());
    assertArrayEquals(new int[] {1, 4, 7}, CpuSet.parseList("1-9:3").toArray());
    assertArrayEquals(new int[] {0, 2, 4, 10, 11}, CpuSet.parseList("0-5:2,10-11").toArray());
  }

  @Test
  void whitespaceAndNewlinesAreAllowedAroundParts() {
    assertEquals(CpuSet.of(0, 1, 2, 3, 5), CpuSet.parseList("0-3,5\n"));
    assertEquals(CpuSet.of(1, 2), CpuSet.parseList(" 1 , 2 "));
    assertTrue(CpuSet.parseList("\n").isEmpty(), "sysfs prints a lone newline for no CPUs");
    assertTrue(CpuSet.parseList("").isEmpty());
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "a", "1-", "-1", "3-1", "1,,2", ",1", "1,", "1:2", "0-3:0", "0-3:", "1.5", "0x1", "1 2",
        "2000000", "0-3-5", "+1"
      })
  void badCpulistsAreRejectedWithAMessage(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CpuSet.parseList(text));

    assertTrue(
        e.getMessage().startsWith("'" + text + "' is not a CPU list: bad part '"), e.getMessage());
    assertTrue(e.getMessage().endsWith("use numbers and ranges like 0-3,5,7-9"), e.getMessage());
  }

  @Test
  void parsesMasksOfAnyLength() {
    assertEquals(CpuSet.of(160), CpuSet.parseMask("0x1" + "0".repeat(40)));
    assertEquals(CpuSet.of(2), CpuSet.parseMask("0x4"));
    assertEquals(CpuSet.range(4, 11), CpuSet.parseMask("0xff0"));
    assertEquals(CpuSet.range(0, 4), CpuSet.parseMask("0X1F"));
    assertEquals(CpuSet.of(0, 2), CpuSet.parseMask("5"));
    assertEquals(CpuSet.of(0, 64), CpuSet.parseMask("0x10000000000000001"));
    assertTrue(CpuSet.parseMask("0x0").isEmpty());
    assertEquals(CpuSet.of(2), CpuSet.parseMask(" 0x4\n"));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "",
        "0x",
        "0xg",
        "-1",
        "0x-1",
        "1 2",
        "ff",
        "0b101",
        "1.0",
        "0x\u0663",
        "0x\uFF21",
        "\u0661",
        "0x_"
      })
  void badMasksAreRejectedWithAMessage(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CpuSet.parseMask(text));

    assertTrue(e.getMessage().contains("is not a CPU mask"), e.getMessage());
    assertTrue(e.getMessage().contains("0x4 (CPU 2)"), e.getMessage());
  }

  @Test
  void aMaskBeyondTheLargestCpuIsRejected() {
    String huge = "0x1" + "0".repeat(CpuSet.MAX_CPU / 4 + 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CpuSet.parseMask(huge));
    assertTrue(e.getMessage().contains("names CPUs above"), e.getMessage());
  }

  @Test
  void printsMasksAndLists() {
    assertEquals("0x4", CpuSet.of(2).toMaskString());
    assertEquals("0x0", CpuSet.empty().toMaskString());
    assertEquals("0x1" + "0".repeat(40), CpuSet.of(160).toMaskString());
    assertEquals("0-3,5,7-9", CpuSet.of(0, 1, 2, 3, 5, 7, 8, 9).toListString());
    assertEquals("", CpuSet.empty().toListString());
    assertEquals("[1,3]", CpuSet.of(1, 3).toString());
  }

  @Test
  void setOperations() {
    CpuSet a = CpuSet.of(0, 1, 2);
    CpuSet b = CpuSet.of(2, 3);

    assertEquals(CpuSet.of(0, 1, 2, 3), a.union(b));
    assertEquals(CpuSet.of(2), a.intersection(b));
    assertEquals(CpuSet.of(0, 1), a.minus(b));
    assertTrue(a.containsAll(CpuSet.of(0, 2)));
    assertFalse(a.containsAll(b));
    assertEquals(0, a.first());
    assertEquals(2, a.last());
    assertEquals(2, a.next(2));
    assertEquals(-1, a.next(3));
    assertEquals(-1, CpuSet.empty().last());
    assertEquals(3, a.size());
    assertFalse(a.contains(-1));
    assertEquals(CpuSet.of(0, 1, 2), a, "operations do not change the operands");
  }

  @Test
  void badConstructionIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> CpuSet.of(-1));
    assertThrows(IllegalArgumentException.class, () -> CpuSet.of(CpuSet.MAX_CPU + 1));
    assertThrows(IllegalArgumentException.class, () -> CpuSet.range(3, 1));
  }

  @Test
  void isImmutable() {
    BitSet bits = new BitSet();
    bits.set(3);
    CpuSet s = CpuSet.fromBitSet(bits);
    bits.set(4);
    s.toBitSet().set(5);

    assertEquals(CpuSet.of(3), s);
  }

  @Property
  void masksAndListsRoundTrip(
      @ForAll @Size(max = 30) Set<@IntRange(min = 0, max = 300) Integer> cpus) {
    CpuSet s = CpuSet.of(cpus.stream().mapToInt(Integer::intValue).toArray());

    assertEquals(s, CpuSet.parseMask(s.toMaskString()));
    assertEquals(s, CpuSet.parseList(s.toListString()));
    assertEquals(cpus.size(), s.size());
  }
}
