package io.vmpower.cli;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.host.Views.ChannelResult;
import io.vmpower.core.host.Views.ChannelStatsView;
import io.vmpower.core.host.Views.ChannelView;
import io.vmpower.core.host.Views.CpuFreq;
import io.vmpower.core.host.Views.CpuRow;
import io.vmpower.core.host.Views.VmSummary;
import io.vmpower.core.host.Views.VmView;
import io.vmpower.core.vm.ChannelName;
import io.vmpower.core.vm.ChannelStats;
import io.vmpower.core.vm.ChannelStats.Counter;
import java.util.ArrayList;
import java.util.List;

/**
 * The text the host CLI prints. Lines that DPDK users' scripts read ({@code show_vm}, {@code
 * show_cpu_freq}) are exactly the reference's; what the reference lacks is appended after them.
 */
public final class HostFormatter {
  private HostFormatter() {}

  /** {@code show_vm}, the reference's lines first, then the peers of attached channels. */
  public static List<String> vm(VmView v) {
    List<String> out = new ArrayList<>();
    out.add("VM: '" + v.name() + "', status = " + v.state().statusWord());
    out.add("Channels " + v.channels().size());
    for (ChannelView c : v.channels()) {
      out.add("  [" + c.number() + "]: " + c.path() + ", status = " + c.state());
    }
    out.add("Virtual CPU(s): " + v.pinning().size());
    for (int i = 0; i < v.pinning().size(); i++) {
      out.add("  [" + i + "]: Physical CPU Mask " + v.pinning().get(i).toMaskString());
    }
    for (ChannelView c : v.channels()) {
      if (c.peer().known() && c.state() != io.vmpower.core.vm.ChannelState.DISCONNECTED) {
        out.add("  peer of [" + c.number() + "]: " + c.peer());
      }
      if (!c.lastError().isEmpty()) {
        out.add("  last error of [" + c.number() + "]: " + c.lastError());
      }
    }
    out.add("Queries: " + (v.queryEnabled() ? "enabled" : "disabled"));
    if (!v.fresh()) {
      out.add("(hypervisor unreachable: pinning as last known)");
    }
    return out;
  }

  public static List<String> vms(List<VmSummary> vms) {
    List<String> out = new ArrayList<>();
    if (vms.isEmpty()) {
      out.add("No VMs added. Add one with: add_vm NAME");
      return out;
    }
    out.add(
        String.format(
            "%-20s %-9s %5s %8s %9s %7s", "VM", "STATE", "VCPUS", "CHANNELS", "ATTACHED", "QUERY"));
    for (VmSummary s : vms) {
      out.add(
          String.format(
              "%-20s %-9s %5d %8d %9d %7s",
              s.name(),
              s.state().statusWord(),
              s.vcpus(),
              s.channels(),
              s.connected(),
              s.queryEnabled() ? "on" : "off"));
    }
    return out;
  }

  public static List<String> cpus(List<CpuRow> rows) {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            "%-4s %-14s %-12s %10s %10s %10s %-9s %s",
            "CPU", "DRIVER", "GOVERNOR", "CUR kHz", "MIN kHz", "MAX kHz", "TURBO", "VCPUS"));
    List<String> warnings = new ArrayList<>();
    for (CpuRow r : rows) {
      String vcpus = r.vcpus().isEmpty() ? "-" : String.join(",", r.vcpus());
      if (!r.online()) {
        out.add(
            String.format(
                "%-4d %-14s %-12s %10s %10s %10s %-9s %s",
                r.cpu(), "offline", "-", "-", "-", "-", "-", vcpus));
        continue;
      }
      String turbo = !r.turboAvailable() ? "none" : r.turboEnabled() ? "enabled" : "disabled";
      out.add(
          String.format(
              "%-4d %-14s %-12s %10d %10d %10d %-9s %s",
              r.cpu(),
              r.driver(),
              r.governor(),
              r.currentKhz(),
              r.minKhz(),
              r.maxKhz(),
              turbo,
              vcpus));
      if (r.related().size() > 1) {
        warnings.add(
            "CPU "
                + r.cpu()
                + " shares its frequency domain with "
                + r.related().minus(CpuSet.of(r.cpu())).toListString()
                + ": a change may not take effect until they follow");
      }
    }
    out.addAll(warnings);
    return out;
  }

  public static List<String> freqs(List<CpuFreq> freqs) {
    List<String> out = new ArrayList<>();
    for (CpuFreq f : freqs) {
      out.add("Core " + f.cpu() + " frequency: " + f.khz());
    }
    return out;
  }

  public static List<String> channelResults(String vm, List<ChannelResult> results) {
    List<String> out = new ArrayList<>();
    for (ChannelResult r : results) {
      String which =
          r.channel() >= 0 ? "Channel " + new ChannelName(vm, r.channel()) : "Channel folder";
      out.add(which + " (" + r.path() + "): " + r.message());
    }
    return out;
  }

  public static List<String> stats(List<ChannelStatsView> stats) {
    List<String> out = new ArrayList<>();
    if (stats.isEmpty()) {
      out.add("No channels.");
      return out;
    }
    out.add(
        String.format(
            "%-20s %4s %-12s %9s %8s %8s %8s %8s %8s %8s",
            "VM",
            "CH",
            "STATE",
            "REQUESTS",
            "ACKED",
            "ANSWERED",
            "NACKED",
            "REFUSED",
            "DROPPED",
            "HANGUPS"));
    for (ChannelStatsView v : stats) {
      ChannelStats s = v.stats();
      long refused = s.get(Counter.REFUSED_QUERY_DISABLED) + s.get(Counter.REFUSED_QUERY_BAD_VCPU);
      out.add(
          String.format(
              "%-20s %4d %-12s %9d %8d %8d %8d %8d %8d %8d",
              v.vm(),
              v.channel(),
              v.state(),
              s.get(Counter.REQUESTS),
              s.get(Counter.ACKED) + s.get(Counter.LEGACY_SERVED),
              s.get(Counter.ANSWERED),
              s.nacks(),
              refused,
              s.get(Counter.DROPPED_DISABLED),
              s.get(Counter.HANGUPS)));
      List<String> details = new ArrayList<>();
      for (Counter c : Counter.values()) {
        long n = s.get(c);
        if (n > 0 && c != Counter.REQUESTS && c != Counter.ACKED && c != Counter.ANSWERED) {
          details.add(c.name().toLowerCase(java.util.Locale.ROOT) + "=" + n);
        }
      }
      if (!details.isEmpty()) {
        out.add("    " + String.join(" ", details));
      }
    }
    return out;
  }
}
