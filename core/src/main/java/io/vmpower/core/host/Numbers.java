package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;

/** Strict parsing of the numbers operators type: decimal or {@code 0x} hex, and number lists. */
public final class Numbers {
  private Numbers() {}

  /**
   * Parses a non-negative int in decimal or {@code 0x} hex.
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
            || !t.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
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

  /**
   * Parses a list like {@code 0,1,3} or {@code 0-3,5} (numbers in decimal or hex).
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
          bits.set(parse(p, what));
        } else {
          int from = parse(p.substring(0, dash), what);
          int to = parse(p.substring(dash + 1), what);
          if (to < from || to - from > CpuSet.MAX_CPU) {
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
                + "'; use numbers like 0,1,3 or ranges like 0-3");
      }
    }
    return CpuSet.fromBitSet(bits);
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
