package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats;
import java.nio.file.Path;
import java.util.List;

/** What the host's commands report, as data; the CLI formats it. */
public final class Views {
  private Views() {}

  /** The result of a channel command for one channel. */
  public record ChannelResult(int channel, Path path, boolean ok, String message) {}

  public record ChannelView(
      int number, Path path, ChannelState state, PeerCredentials peer, String lastError) {}

  public record VmView(
      String name,
      VmState state,
      List<ChannelView> channels,
      List<CpuSet> pinning,
      boolean queryEnabled,
      boolean fresh) {}

  public record VmSummary(
      String name, VmState state, int vcpus, int channels, int connected, boolean queryEnabled) {}

  /** One CPU for {@code show_cpus}; frequencies in kHz, 0 where unknown. */
  public record CpuRow(
      int cpu,
      boolean online,
      boolean controlled,
      String driver,
      String governor,
      long currentKhz,
      long minKhz,
      long maxKhz,
      boolean turboAvailable,
      boolean turboEnabled,
      List<String> vcpus,
      CpuSet related) {}

  /** A CPU's frequency for {@code show_cpu_freq}, or why it cannot be read. */
  public record CpuFreq(int cpu, long khz, String error) {}

  public record ChannelStatsView(String vm, int channel, ChannelState state, ChannelStats stats) {}

  // ---- policies

  /** One VM's demand on one pCPU, for {@code show_policies}. */
  public record DemandView(int cpu, long khz, String source) {}

  /**
   * One added VM's policy (kind empty when it has none), cap, counters and demands, for {@code
   * show_policies}. Times are ISO-8601 in the policy time zone (empty when none yet).
   */
  public record PolicyView(
      String vm,
      String kind,
      String rule,
      String source,
      long capKhz,
      String lastDecision,
      String lastDecisionAt,
      String measured,
      String problem,
      String problemSince,
      long decisions,
      long changes,
      long failures,
      List<DemandView> demands) {}

  /** The CPUs dedicated to VMs and what became of them. */
  public record DedicatedView(
      CpuSet dedicated,
      CpuSet parked,
      long lowered,
      long raised,
      String problem,
      String lastRaise) {}

  /** What reading the VMs' counters cost so far. */
  public record SamplingView(
      String backend,
      long reads,
      long vms,
      long failures,
      double microsPerVm,
      double lastMillis,
      double minMillis) {}

  /** {@code show_policies}. */
  public record PoliciesView(
      List<PolicyView> vms,
      String timeZone,
      String branchRatio,
      DedicatedView dedicated,
      SamplingView sampling) {}

  /**
   * A VM's policy counters, for {@code show_stats} and the metrics ({@code kind} and {@code source}
   * empty when it has no policy now).
   */
  public record PolicyStatsView(
      String vm,
      String kind,
      String source,
      long decisions,
      long changes,
      long failures,
      long installs) {}
}
