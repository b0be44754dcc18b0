package io.vmpower.core.hal;

import java.util.Objects;

/**
 * One host setting a {@link CpuFrequencies} backend manages (it wrote it, or needs it to hold a
 * value, like the {@code userspace} governor), with what the backend last wrote and what the host
 * holds now. When they differ, someone else changed it: drift.
 *
 * @param cpu the CPU, or -1 for a host-wide setting (e.g. {@code intel_pstate/no_turbo})
 * @param setting the setting's name: the sysfs file relative to the CPU's {@code cpufreq} folder
 *     ({@code scaling_setspeed}, {@code scaling_governor}, ...) or to {@code devices/system/cpu}
 *     for a host-wide one
 * @param written what the backend last wrote (or found and kept)
 * @param found what the host holds now; {@code unreadable (REASON)} when it cannot be read
 */
public record ManagedSetting(int cpu, String setting, String written, String found) {
  public ManagedSetting {
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(written, "written");
    Objects.requireNonNull(found, "found");
  }

  /** Whether the host no longer holds what the backend last wrote. */
  public boolean drifted() {
    return !written.equals(found);
  }

  /** The found value could not be read: neither re-applied nor adopted. */
  public boolean unreadable() {
    return found.startsWith("unreadable");
  }
}
