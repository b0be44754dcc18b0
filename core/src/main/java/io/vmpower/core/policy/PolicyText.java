package io.vmpower.core.policy;

import io.vmpower.core.hal.MacAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy's parameters as one line of {@code key=value} words, in the syntax {@code set_policy}
 * takes, so that what {@code show_policies} prints can be typed back.
 */
public final class PolicyText {
  private PolicyText() {}

  public static String parameters(Policy p) {
    List<String> words = new ArrayList<>();
    if (p instanceof Policy.Workload w) {
      words.add("level=" + w.levelWord());
    } else if (p instanceof Policy.Traffic t) {
      traffic(t, words);
    } else if (p instanceof Policy.Time t) {
      if (!t.busyHours().isEmpty()) {
        words.add("busy=" + Hours.format(t.busyHours()));
      }
      if (!t.quietHours().isEmpty()) {
        words.add("quiet=" + Hours.format(t.quietHours()));
      }
      if (!t.trafficHours().isEmpty()) {
        words.add("traffic=" + Hours.format(t.trafficHours()));
        traffic(t.traffic(), words);
      }
    } else if (p instanceof Policy.BranchRatio b) {
      words.add("threshold=" + b.threshold());
    } else if (p instanceof Policy.Busy b) {
      words.add("target=" + b.targetPercent());
      words.add("band=" + b.bandPercent());
      words.add("period=" + duration(b.period()));
      words.add("cooldown=" + duration(b.cooldown()));
    }
    return String.join(" ", words);
  }

  private static void traffic(Policy.Traffic t, List<String> words) {
    List<String> macs = new ArrayList<>();
    for (MacAddress m : t.macs()) {
      macs.add(m.toString());
    }
    words.add("macs=" + String.join(",", macs));
    words.add("min=" + t.minPps());
    words.add("avg=" + t.avgPps());
    words.add("max=" + t.maxPps());
    words.add("period=" + duration(t.period()));
  }

  /**
   * The whole rule as {@code set_policy} takes it after the VM: kind, parameters, and {@code vcpus}
   * and {@code guests} when they are not the defaults.
   */
  public static String rule(VmPolicy rule) {
    StringBuilder sb = new StringBuilder(rule.policy().kind().word());
    String params = parameters(rule.policy());
    if (!params.isEmpty()) {
      sb.append(' ').append(params);
    }
    if (!rule.vcpus().isEmpty()) {
      List<Integer> v = rule.vcpus();
      sb.append(" vcpus=").append(Hours.format(v));
    }
    if (!rule.guests()) {
      sb.append(" guests=deny");
    }
    return sb.toString();
  }

  /** {@code 100ms}, {@code 2s}, {@code 1500ms}. */
  public static String duration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 && ms > 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
