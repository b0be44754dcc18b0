package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host-wide part of intel_pstate, under {@code devices/system/cpu/intel_pstate}: {@code
 * turbo_pct} (read once) and {@code no_turbo}, one tracked file shared by every intel_pstate CPU
 * and saved before its first write.
 */
final class SysfsIntelPstateHost {
  private final long turboPct;
  private final SysfsTrackedValue noTurbo;

  private SysfsIntelPstateHost(long turboPct, SysfsTrackedValue noTurbo) {
    this.turboPct = turboPct;
    this.noTurbo = noTurbo;
  }

  static SysfsIntelPstateHost open(Path cpuRoot, SysfsFiles files, SysfsJournal journal)
      throws FrequencyException {
    Path dir = cpuRoot.resolve("intel_pstate");
    long pct = files.optionalCount(-1, dir.resolve("turbo_pct"));
    Path noTurboPath = dir.resolve("no_turbo");
    SysfsTrackedValue noTurbo =
        Files.exists(noTurboPath)
            ? new SysfsTrackedValue(-1, files.get(noTurboPath), journal, true)
            : null;
    return new SysfsIntelPstateHost(pct, noTurbo);
  }

  /** {@code turbo_pct}, or -1 when the file is missing. */
  long turboPct() {
    return turboPct;
  }

  /** The tracked {@code no_turbo}, or null when the file is missing. */
  SysfsTrackedValue noTurbo() {
    return noTurbo;
  }
}
