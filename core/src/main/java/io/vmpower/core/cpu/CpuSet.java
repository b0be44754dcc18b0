package io.vmpower.core.cpu;

import java.math.BigInteger;
import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * An immutable set of CPU numbers of any size (no 64-CPU limit).
 *
 * <p>Parses and prints the two notations operators use: the kernel's cpulist ({@code 0-3,5,7-9})
 * and a hexadecimal or decimal bit mask ({@code 0x4} is CPU 2). Parsing is strict: anything that is
 * not exactly one of these forms is rejected with a message that says what is accepted.
 */
public final class CpuSet {
  private static final CpuSet EMPTY = new CpuSet(new BitSet());

  /** Largest CPU number accepted from text, to keep a typo from allocating gigabytes. */
  public static final int MAX_CPU = 1 << 20;

  private final BitSet bits;

  private CpuSet(BitSet bits) {
    this.bits = bits;
  }

  public static CpuSet empty() {
    return EMPTY;
  }

  public static CpuSet of(int... cpus) {
    BitSet b = new BitSet();
    for (int cpu : cpus) {
      checkCpu(cpu);
      b.set(cpu);
    }
    return new CpuSet(b);
  }

  /** CPUs {@code from} to {@code to}, both included. */
  public static CpuSet range(int from, int to) {
    checkCpu(from);
    checkCpu(to);
    if (to < from) {
      throw new IllegalArgumentException("range " + from + "-" + to + " is empty");
    }
    BitSet b = new BitSet(to + 1);
    b.set(from, to + 1);
    return new CpuSet(b);
  }

  public static CpuSet fromBitSet(BitSet bits) {
    return new CpuSet((BitSet) bits.clone());
  }

  /**
   * Parses a bit mask: {@code 0x} followed by hex digits (underscores may group them: {@code
   * 0xff_0000}), or decimal digits; ASCII digits only, white space around it ignored. Bit n set
   * means CPU n.
   *
   * @throws IllegalArgumentException naming what was wrong and what is accepted
   */
  public static CpuSet parseMask(String text) {
    String t = text == null ? "" : text.trim();
    BigInteger value;
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        String digits = t.substring(2).replace("_", "");
        if (digits.isEmpty() || !digits.chars().allMatch(CpuSet::isAsciiHexDigit)) {
          throw new NumberFormatException();
        }
        value = new BigInteger(digits, 16);
      } else {
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new NumberFormatException();
        }
        value = new BigInteger(t, 10);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a CPU mask: use hex like 0x4 (CPU 2) or 0xff0, or a decimal number");
    }
    if (value.bitLength() > MAX_CPU + 1) {
      throw new IllegalArgumentException("mask '" + text + "' names CPUs above " + MAX_CPU);
    }
    BitSet b = new BitSet(value.bitLength());
    for (int i = value.getLowestSetBit(); i >= 0 && i < value.bitLength(); i++) {
      if (value.testBit(i)) {
        b.set(i);
      }
    }
    return new CpuSet(b);
  }

  /**
   * Parses the kernel's cpulist syntax: comma-separated numbers or ranges {@code a-b}, with an
   * optional stride {@code a-b:step} as the kernel prints it. The empty string (or a lone newline,
   * as sysfs gives for no CPUs) is the empty set.
   *
   * @throws IllegalArgumentException naming what was wrong and what is accepted
   */
  public static CpuSet parseList(String text) {
    String t = text == null ? "" : text.trim();
    BitSet b = new BitSet();
    if (t.isEmpty()) {
      return EMPTY;
    }
    for (String part : t.split(",", -1)) {
      String p = part.trim();
      try {
        int colon = p.indexOf(':');
        int stride = 1;
        if (colon >= 0) {
          stride = parseNumber(p.substring(colon + 1));
          p = p.substring(0, colon);
          if (stride <= 0) {
            throw new NumberFormatException();
          }
        }
        int dash = p.indexOf('-');
        if (dash < 0) {
          if (colon >= 0) {
            throw new NumberFormatException();
          }
          int cpu = parseNumber(p);
          b.set(cpu);
        } else {
          int from = parseNumber(p.substring(0, dash));
          int to = parseNumber(p.substring(dash + 1));
          if (to < from) {
            throw new NumberFormatException();
          }
          for (int c = from; c <= to; c += stride) {
            b.set(c);
          }
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a CPU list: bad part '"
                + part
                + "'; use numbers and ranges like 0-3,5,7-9");
      }
    }
    return new CpuSet(b);
  }

  /** Whether {@code c} is 0-9, a-f or A-F (Character.digit also takes other scripts' digits). */
  private static boolean isAsciiHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int parseNumber(String s) {
    if (s.isEmpty() || s.length() > 8 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new NumberFormatException(s);
    }
    int n = Integer.parseInt(s);
    if (n > MAX_CPU) {
      throw new NumberFormatException(s);
    }
    return n;
  }

  private static void checkCpu(int cpu) {
    if (cpu < 0 || cpu > MAX_CPU) {
      throw new IllegalArgumentException("CPU number " + cpu + " out of range 0-" + MAX_CPU);
    }
  }

  public boolean contains(int cpu) {
    return cpu >= 0 && bits.get(cpu);
  }

  public boolean isEmpty() {
    return bits.isEmpty();
  }

  public int size() {
    return bits.cardinality();
  }

  /** The first CPU at or after {@code from}, or -1. Allocation-free iteration. */
  public int next(int from) {
    return bits.nextSetBit(from);
  }

  public int first() {
    return bits.nextSetBit(0);
  }

  /** The highest CPU in the set, or -1 when empty. */
  public int last() {
    return bits.length() - 1;
  }

  public void forEach(IntConsumer action) {
    for (int c = bits.nextSetBit(0); c >= 0; c = bits.nextSetBit(c + 1)) {
      action.accept(c);
    }
  }

  public int[] toArray() {
    return bits.stream().toArray();
  }

  public BitSet toBitSet() {
    return (BitSet) bits.clone();
  }

  public CpuSet union(CpuSet other) {
    BitSet b = (BitSet) bits.clone();
    b.or(other.bits);
    return new CpuSet(b);
  }

  public CpuSet intersection(CpuSet other) {
    BitSet b = (BitSet) bits.clone();
    b.and(other.bits);
    return new CpuSet(b);
  }

  public CpuSet minus(CpuSet other) {
    BitSet b = (BitSet) bits.clone();
    b.andNot(other.bits);
    return new CpuSet(b);
  }

  public boolean containsAll(CpuSet other) {
    BitSet b = (BitSet) other.bits.clone();
    b.andNot(bits);
    return b.isEmpty();
  }

  /** The mask as DPDK prints it: {@code 0x4}; {@code 0x0} when empty. */
  public String toMaskString() {
    if (bits.isEmpty()) {
      return "0x0";
    }
    BigInteger v = BigInteger.ZERO;
    for (int c = bits.nextSetBit(0); c >= 0; c = bits.nextSetBit(c + 1)) {
      v = v.setBit(c);
    }
    return "0x" + v.toString(16);
  }

  /** The cpulist form: {@code 0-3,5}; empty string when empty. */
  public String toListString() {
    StringBuilder sb = new StringBuilder();
    int c = bits.nextSetBit(0);
    while (c >= 0) {
      int end = bits.nextClearBit(c) - 1;
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(c);
      if (end > c) {
        sb.append('-').append(end);
      }
      c = bits.nextSetBit(end + 1);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CpuSet other && bits.equals(other.bits);
  }

  @Override
  public int hashCode() {
    return bits.hashCode();
  }

  @Override
  public String toString() {
    return "[" + toListString() + "]";
  }
}
