package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;

/** Strict parsing of the numbers operators type: decimal or {@code 0x} hex, and number lists. */
public final class Numbers {
  private Numbers() {}

  /**
   * Parses a non-negative int in decimal or {@code 0x} hex: ASCII digits only (no sign, no other
   * script's digits); white space around it is ignored.
   *
   * @param what what the number is, for the message (e.g. "vCPU")
   */
  public static int parse(String text, String what) throws CommandException {
    String t = text == null ? "" : text.trim();
    try {
      long v;
      if (t.startsWith("0x") || t.startsWith("0X")) {
        if (t.length() == 2
            || t.length() > 10
            || !t.substring(2).chars().allMatch(Numbers::isAsciiHexDigit)) {
          throw new NumberFormatException();
        }
        v = Long.parseLong(t.substring(2), 16);
      } else {
        if (t.isEmpty() || t.length() > 10 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new NumberFormatException();
        }
        v = Long.parseLong(t);
      }
      if (v > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) v;
    } catch (NumberFormatException e) {
      throw new CommandException(
          "'" + text + "' is not a valid " + what + ": use a number in decimal (12) or hex (0xc)");
    }
  }

  /** Whether {@code c} is 0-9, a-f or A-F (Character.digit also takes other scripts' digits). */
  private static boolean isAsciiHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /**
   * Parses a list like {@code 0,1,3} or {@code 0-3,5} (numbers in decimal or hex, at most {@link
   * CpuSet#MAX_CPU}).
   *
   * @param what what the numbers are, for the message (e.g. "channel")
   */
  public static CpuSet parseList(String text, String what) throws CommandException {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) {
      throw new CommandException("empty " + what + " list: use numbers like 0,1,3 or 0-3");
    }
    java.util.BitSet bits = new java.util.BitSet();
    for (String part : t.split(",", -1)) {
      String p = part.trim();
      int dash = p.indexOf('-');
      try {
        if (dash < 0) {
          bits.set(bounded(parse(p, what)));
        } else {
          int from = bounded(parse(p.substring(0, dash), what));
          int to = bounded(parse(p.substring(dash + 1), what));
          if (to < from) {
            throw new CommandException("");
          }
          bits.set(from, to + 1);
        }
      } catch (CommandException e) {
        throw new CommandException(
            "'"
                + text
                + "' is not a valid "
                + what
                + " list: bad part '"
                + part
                + "'; use numbers (0-"
                + CpuSet.MAX_CPU
                + ") like 0,1,3 or ranges like 0-3");
      }
    }
    return CpuSet.fromBitSet(bits);
  }

  /** Keeps a list from allocating a bit set for a number like 2147483647. */
  private static int bounded(int n) throws CommandException {
    if (n > CpuSet.MAX_CPU) {
      throw new CommandException("");
    }
    return n;
  }

  /** {@code a, b, c} for messages. */
  public static String join(List<?> items) {
    StringBuilder sb = new StringBuilder();
    for (Object o : items) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(o);
    }
    return sb.toString();
  }
}
