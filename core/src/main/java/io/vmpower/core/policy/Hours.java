package io.vmpower.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Hour lists of TIME policies: sorted sets of hours 0-23. */
final class Hours {
  private Hours() {}

  static List<Integer> checked(String what, List<Integer> hours) {
    TreeSet<Integer> set = new TreeSet<>();
    for (Integer h : hours == null ? List.<Integer>of() : hours) {
      if (h == null || h < 0 || h > 23) {
        throw new IllegalArgumentException(what + " hour " + h + " is not an hour: use 0-23");
      }
      set.add(h);
    }
    return List.copyOf(set);
  }

  static void disjoint(List<Integer> busy, List<Integer> quiet, List<Integer> traffic) {
    List<String> both = new ArrayList<>();
    for (int h = 0; h < 24; h++) {
      int n =
          (busy.contains(h) ? 1 : 0) + (quiet.contains(h) ? 1 : 0) + (traffic.contains(h) ? 1 : 0);
      if (n > 1) {
        both.add(Integer.toString(h));
      }
    }
    if (!both.isEmpty()) {
      throw new IllegalArgumentException(
          "hour(s) "
              + String.join(", ", both)
              + " listed as more than one of busy, quiet, traffic");
    }
  }

  /** {@code 0-3,8,17-23}. */
  static String format(List<Integer> hours) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < hours.size()) {
      int start = hours.get(i);
      int end = start;
      while (i + 1 < hours.size() && hours.get(i + 1) == end + 1) {
        end = hours.get(++i);
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(start);
      if (end > start) {
        sb.append('-').append(end);
      }
      i++;
    }
    return sb.toString();
  }
}
