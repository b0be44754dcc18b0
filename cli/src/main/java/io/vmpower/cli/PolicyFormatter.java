package io.vmpower.cli;

import io.vmpower.core.host.Views.DedicatedView;
import io.vmpower.core.host.Views.DemandView;
import io.vmpower.core.host.Views.PoliciesView;
import io.vmpower.core.host.Views.PolicyStatsView;
import io.vmpower.core.host.Views.PolicyView;
import io.vmpower.core.host.Views.SamplingView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The text of {@code show_policies} and the policy lines of {@code show_stats}. */
public final class PolicyFormatter {
  private PolicyFormatter() {}

  /**
   * One block per VM: its rule as {@code set_policy} takes it (and who set it), its cap, the last
   * decision and when, what it measured, a problem, the counts and the demands on its pCPUs; then
   * the host's lines.
   */
  public static List<String> policies(PoliciesView v) {
    List<String> out = new ArrayList<>();
    if (v.vms().isEmpty()) {
      out.add("No VMs added. Add one with: add_vm NAME");
    }
    for (PolicyView p : v.vms()) {
      String cap = p.capKhz() > 0 ? "; cap " + p.capKhz() + " kHz" : "";
      if (p.kind().isEmpty()) {
        out.add(p.vm() + ": no policy" + cap);
      } else {
        out.add(p.vm() + ": " + p.rule() + " (set by the " + p.source() + ")" + cap);
        out.add(
            "  last decision: "
                + (p.lastDecision().isEmpty()
                    ? "none yet"
                    : p.lastDecision() + " at " + p.lastDecisionAt()));
        if (!p.measured().isEmpty()) {
          out.add("  measured: " + p.measured());
        }
        if (!p.problem().isEmpty()) {
          out.add("  holding the last frequency since " + p.problemSince() + ": " + p.problem());
        }
      }
      if (!p.kind().isEmpty() || p.decisions() > 0) {
        out.add(
            "  decisions "
                + p.decisions()
                + ", changes "
                + p.changes()
                + ", failures "
                + p.failures());
      }
      if (!p.demands().isEmpty()) {
        List<String> d = new ArrayList<>();
        for (DemandView dv : p.demands()) {
          d.add("pCPU " + dv.cpu() + " " + dv.khz() + " kHz (" + dv.source() + ")");
        }
        out.add("  demands: " + String.join(", ", d));
      }
    }
    out.add("Time zone of TIME policies: " + v.timeZone());
    out.add("BRANCH_RATIO: " + v.branchRatio());
    DedicatedView d = v.dedicated();
    if (d.dedicated().isEmpty()) {
      out.add("Dedicated CPUs: none");
    } else {
      out.add(
          "Dedicated CPUs: "
              + d.dedicated().toListString()
              + "; at their lowest (no running VM pinned): "
              + (d.parked().isEmpty() ? "none" : d.parked().toListString())
              + "; lowered "
              + d.lowered()
              + ", raised "
              + d.raised()
              + (d.lastRaise().isEmpty() ? "" : " (last: " + d.lastRaise() + ")")
              + (d.problem().isEmpty() ? "" : "; " + d.problem()));
    }
    SamplingView s = v.sampling();
    out.add(
        "Sampling: "
            + s.backend()
            + "; "
            + s.reads()
            + " reads of "
            + s.vms()
            + " VMs, "
            + String.format(Locale.ROOT, "%.1f", s.microsPerVm())
            + " µs per VM, last "
            + String.format(Locale.ROOT, "%.3f", s.lastMillis())
            + " ms, shortest "
            + String.format(Locale.ROOT, "%.3f", s.minMillis())
            + " ms, "
            + s.failures()
            + " failed");
    return out;
  }

  /** The policy part of {@code show_stats}: one line per VM that has or had a policy. */
  public static List<String> stats(List<PolicyStatsView> stats) {
    List<String> out = new ArrayList<>();
    if (stats.isEmpty()) {
      return out;
    }
    out.add(
        String.format(
            "%-20s %-12s %9s %8s %8s %8s",
            "VM", "POLICY", "DECISIONS", "CHANGES", "FAILURES", "SET"));
    for (PolicyStatsView s : stats) {
      out.add(
          String.format(
              "%-20s %-12s %9d %8d %8d %8d",
              s.vm(),
              s.kind().isEmpty() ? "-" : s.kind(),
              s.decisions(),
              s.changes(),
              s.failures(),
              s.installs()));
    }
    return out;
  }
}
