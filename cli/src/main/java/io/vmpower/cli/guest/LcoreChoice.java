package io.vmpower.cli.guest;

import java.util.Locale;

/** The argument of the query commands: one lcore, or {@code all}. */
record LcoreChoice(int lcore, boolean all) {
  static final LcoreChoice ALL = new LcoreChoice(-1, true);

  /** Parses {@code all} or an lcore number. */
  static LcoreChoice parse(String text) {
    String t = text.trim();
    if (t.toLowerCase(Locale.ROOT).equals("all")) {
      return ALL;
    }
    if (!t.isEmpty() && t.length() <= 7 && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return new LcoreChoice(Integer.parseInt(t), false);
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not an lcore: give its number (0, 1, ...) or all");
  }
}
