package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.cpu.CpuSet;
import java.util.BitSet;

/**
 * Parses libvirt's cpuset syntax, as found in {@code <vcpupin cpuset='...'>} and {@code <vcpu
 * cpuset='...'>}: comma-separated CPU numbers {@code 5}, ranges {@code 0-3} and exclusions {@code
 * ^2}. Exclusions apply after every inclusion, whatever their position: {@code 0-3,^2} and {@code
 * ^2,0-3} both mean CPUs 0, 1 and 3.
 */
final class LibvirtCpuList {
  private LibvirtCpuList() {}

  /**
   * @throws IllegalArgumentException naming the bad part and the accepted syntax
   */
  static CpuSet parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "empty libvirt cpuset: use numbers, ranges and exclusions like 0-3,^2,8");
    }
    BitSet included = new BitSet();
    BitSet excluded = new BitSet();
    for (String part : text.split(",", -1)) {
      String p = part.trim();
      try {
        if (p.startsWith("^")) {
          excluded.set(number(p.substring(1).trim()));
        } else {
          int dash = p.indexOf('-');
          if (dash < 0) {
            included.set(number(p));
          } else {
            int from = number(p.substring(0, dash).trim());
            int to = number(p.substring(dash + 1).trim());
            if (to < from) {
              throw new NumberFormatException(p);
            }
            included.set(from, to + 1);
          }
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a libvirt cpuset: bad part '"
                + part
                + "'; use numbers, ranges and exclusions like 0-3,^2,8");
      }
    }
    included.andNot(excluded);
    if (included.isEmpty()) {
      throw new IllegalArgumentException("libvirt cpuset '" + text + "' names no CPU");
    }
    return CpuSet.fromBitSet(included);
  }

  private static int number(String s) {
    if (s.isEmpty() || s.length() > 8 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new NumberFormatException(s);
    }
    int n = Integer.parseInt(s);
    if (n > CpuSet.MAX_CPU) {
      throw new NumberFormatException(s);
    }
    return n;
  }
}
