package io.vmpower.core.policy;

import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.power.FrequencyLevel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a VM's policy decides from: DPDK's four policy types (WORKLOAD, TIME, TRAFFIC, BRANCH_RATIO)
 * and vmpower's host-side {@code busy}. Immutable, checked at construction (the parsers check
 * earlier, with the words of their input).
 */
public sealed interface Policy {

  /** The kinds, with DPDK's {@code policy_to_use} numbers for the first four. */
  enum Kind {
    TRAFFIC(0),
    TIME(1),
    WORKLOAD(2),
    BRANCH_RATIO(3),
    BUSY(-1);

    private final int dpdk;

    Kind(int dpdk) {
      this.dpdk = dpdk;
    }

    /** DPDK's {@code policy_to_use}, or -1 for a kind DPDK does not have. */
    public int dpdkNumber() {
      return dpdk;
    }

    /** The word operators type: {@code busy}, {@code workload}, {@code branch_ratio} ... */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a DPDK {@code policy_to_use}, or null. */
    public static Kind ofDpdk(int n) {
      for (Kind k : values()) {
        if (k.dpdk == n && n >= 0) {
          return k;
        }
      }
      return null;
    }
  }

  Kind kind();

  /** WORKLOAD: HIGH runs the VM's pCPUs at max, MEDIUM at the middle of the table, LOW at min. */
  record Workload(FrequencyLevel level) implements Policy {
    public Workload {
      Objects.requireNonNull(level, "level");
    }

    @Override
    public Kind kind() {
      return Kind.WORKLOAD;
    }

    /** DPDK's names: HIGH, MEDIUM, LOW. */
    public String levelWord() {
      return switch (level) {
        case MAX -> "high";
        case MEDIUM -> "medium";
        case MIN -> "low";
      };
    }
  }

  /**
   * TRAFFIC: received packets per second of the VM's interfaces with these MACs, measured over
   * {@code period}: at least {@code maxPps} runs at max, at least {@code avgPps} at medium, below
   * it at min (DPDK's thresholds; {@code minPps} is carried and shown, and as in DPDK decides
   * nothing).
   */
  record Traffic(List<MacAddress> macs, long minPps, long avgPps, long maxPps, Duration period)
      implements Policy {
    public Traffic {
      macs = List.copyOf(macs);
      if (macs.isEmpty()) {
        throw new IllegalArgumentException("a traffic policy needs at least one MAC address");
      }
      if (minPps < 0 || avgPps < minPps || maxPps < avgPps || maxPps == 0) {
        throw new IllegalArgumentException(
            "traffic thresholds must be 0 <= min <= avg <= max, max > 0; got min "
                + minPps
                + ", avg "
                + avgPps
                + ", max "
                + maxPps);
      }
      Objects.requireNonNull(period, "period");
    }

    @Override
    public Kind kind() {
      return Kind.TRAFFIC;
    }
  }

  /**
   * TIME: in a busy hour max, in a quiet hour min, in a traffic hour what {@code traffic} decides,
   * by the host's time zone; in any other hour no demand. Hours are sets of 0-23, pairwise
   * disjoint; {@code traffic} is present exactly when there are traffic hours.
   */
  record Time(
      List<Integer> busyHours,
      List<Integer> quietHours,
      List<Integer> trafficHours,
      Traffic traffic)
      implements Policy {
    public Time {
      busyHours = Hours.checked("busy", busyHours);
      quietHours = Hours.checked("quiet", quietHours);
      trafficHours = Hours.checked("traffic", trafficHours);
      Hours.disjoint(busyHours, quietHours, trafficHours);
      if (busyHours.isEmpty() && quietHours.isEmpty() && trafficHours.isEmpty()) {
        throw new IllegalArgumentException(
            "a time policy needs at least one busy, quiet or traffic hour");
      }
      if (trafficHours.isEmpty() != (traffic == null)) {
        throw new IllegalArgumentException(
            "traffic hours need the traffic parameters (MACs and thresholds), and only they do");
      }
    }

    @Override
    public Kind kind() {
      return Kind.TIME;
    }
  }

  /**
   * BRANCH_RATIO: DPDK's out-of-band policy on per-CPU branch-miss ratios; accepted only where the
   * host has branch counters.
   */
  record BranchRatio(double threshold) implements Policy {
    @Override
    public Kind kind() {
      return Kind.BRANCH_RATIO;
    }
  }

  /**
   * busy: every {@code period} the host measures each controlled vCPU's busy share (libvirt vCPU
   * time, plus the time it waited for a CPU, so a vCPU starved by other threads still counts as
   * busy) and moves its pCPUs toward {@code targetPercent} ± {@code bandPercent}: outside the band
   * the pCPU goes to the lowest entry at or above current × busy / target (max when the vCPU is
   * saturated), at most once per {@code cooldown}. No guest cooperation.
   */
  record Busy(int targetPercent, int bandPercent, Duration period, Duration cooldown)
      implements Policy {
    public Busy {
      if (targetPercent < 1 || targetPercent > 100) {
        throw new IllegalArgumentException("busy target must be 1-100 %, got " + targetPercent);
      }
      if (bandPercent < 0 || targetPercent - bandPercent < 0 || targetPercent + bandPercent > 100) {
        throw new IllegalArgumentException(
            "busy band must keep target ± band within 0-100 %, got "
                + targetPercent
                + " ± "
                + bandPercent);
      }
      Objects.requireNonNull(period, "period");
      Objects.requireNonNull(cooldown, "cooldown");
    }

    @Override
    public Kind kind() {
      return Kind.BUSY;
    }
  }
}
