package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import java.math.BigInteger;
import java.util.BitSet;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The operator's numbers, masks and lists parse exactly their grammar, whatever text comes: each
 * parser is compared with a reference written as a regular expression over ASCII, on near misses
 * (signs, spaces, a bare {@code 0x}, huge numbers, other scripts' digits, stray separators).
 */
class NumbersPropertiesTest {
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,10}");
  private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]{1,8}");
  private static final Pattern MASK_HEX =
      Pattern.compile("0[xX][0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*");
  private static final Pattern MASK_DECIMAL = Pattern.compile("[0-9]+");

  /** Characters a typo or a paste may bring: digits of other scripts, signs, separators. */
  private static final char[] NEAR = {
    '0', '1', '7', '9', 'a', 'f', 'F', 'g', 'x', 'X', '-', '+', ' ', '\t', '_', ',', '.', ':',
    '\u0660', '\u0663', '\u0966', '\uFF10', '\uFF11', '\uFF21', '\u00B9', '\u2007', '\u00A0'
  };

  @Provide
  Arbitrary<String> nearNumbers() {
    Arbitrary<String> noise = Arbitraries.strings().withChars(NEAR).ofMaxLength(12);
    Arbitrary<String> prefixed = noise.map(s -> "0x" + s);
    Arbitrary<String> valid =
        Arbitraries.oneOf(
            Arbitraries.integers().greaterOrEqual(0).map(String::valueOf),
            Arbitraries.integers().greaterOrEqual(0).map(i -> "0x" + Integer.toHexString(i)),
            Arbitraries.longs().greaterOrEqual(0).map(String::valueOf),
            Arbitraries.strings().withChars('0', '9').ofMinLength(9).ofMaxLength(40));
    Arbitrary<String> mutated =
        valid.flatMap(
            v ->
                Arbitraries.of(NEAR)
                    .flatMap(
                        c ->
                            Arbitraries.integers()
                                .between(0, v.length())
                                .map(i -> v.substring(0, i) + c + v.substring(i))));
    Arbitrary<String> spaced = valid.map(v -> " " + v + "\n");
    return Arbitraries.oneOf(noise, prefixed, valid, mutated, spaced);
  }

  @Property(tries = 2000)
  void numbersParseExactlyTheirGrammar(@ForAll("nearNumbers") String text) {
    Long expected = referenceNumber(text);
    Integer got;
    try {
      got = Numbers.parse(text, "vCPU");
    } catch (CommandException e) {
      got = null;
      assertTrue(e.getMessage().contains("is not a valid vCPU"), e.getMessage());
    }
    assertEquals(expected == null ? null : expected.intValue(), got, "'" + text + "'");
  }

  @Property(tries = 2000)
  void masksParseExactlyTheirGrammar(@ForAll("nearNumbers") String text) {
    BitSet expected = referenceMask(text);
    CpuSet got;
    try {
      got = CpuSet.parseMask(text);
    } catch (IllegalArgumentException e) {
      got = null;
      assertNotNull(e.getMessage());
    }
    assertEquals(expected == null ? null : CpuSet.fromBitSet(expected), got, "'" + text + "'");
  }

  @Property(tries = 1000)
  void listsParseExactlyTheirGrammarUpToTheLargestCpu(
      @ForAll("nearNumbers") String a, @ForAll("nearNumbers") String b) {
    for (String text : new String[] {a + "," + b, a + "-" + b, a}) {
      BitSet expected = referenceList(text);
      CpuSet got;
      try {
        got = Numbers.parseList(text, "channel");
      } catch (CommandException e) {
        got = null;
        assertTrue(e.getMessage().contains("channel list"), e.getMessage());
      }
      assertEquals(expected == null ? null : CpuSet.fromBitSet(expected), got, "'" + text + "'");
    }
  }

  /** A list: parts split on commas, each a number or a range a-b with a <= b, all <= MAX_CPU. */
  private static BitSet referenceList(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return null;
    }
    BitSet b = new BitSet();
    for (String part : t.split(",", -1)) {
      String p = part.trim();
      int dash = p.indexOf('-');
      Long from = referenceNumber(dash < 0 ? p : p.substring(0, dash));
      Long to = dash < 0 ? from : referenceNumber(p.substring(dash + 1));
      if (from == null || to == null || to < from || to > CpuSet.MAX_CPU) {
        return null;
      }
      b.set(from.intValue(), to.intValue() + 1);
    }
    return b;
  }

  /** The accepted value of a number, or null: the grammar in two regular expressions. */
  private static Long referenceNumber(String text) {
    String t = text.trim();
    long v;
    if (HEX.matcher(t).matches()) {
      v = Long.parseLong(t.substring(2), 16);
    } else if (DECIMAL.matcher(t).matches()) {
      v = Long.parseLong(t);
    } else {
      return null;
    }
    return v > Integer.MAX_VALUE ? null : v;
  }

  private static BitSet referenceMask(String text) {
    String t = text.trim();
    BigInteger v;
    if (MASK_HEX.matcher(t).matches()) {
      v = new BigInteger(t.substring(2).replace("_", ""), 16);
    } else if (MASK_DECIMAL.matcher(t).matches()) {
      v = new BigInteger(t);
    } else {
      return null;
    }
    if (v.bitLength() > CpuSet.MAX_CPU + 1) {
      return null;
    }
    BitSet b = new BitSet();
    for (int i = 0; i < v.bitLength(); i++) {
      if (v.testBit(i)) {
        b.set(i);
      }
    }
    return b;
  }
}
