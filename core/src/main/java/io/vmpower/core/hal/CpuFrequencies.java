package io.vmpower.core.hal;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;
import java.util.Map;

/**
 * The host's CPU frequency control, one physical CPU at a time.
 *
 * <p>Implementations remember the original value of everything they change before the first write
 * and put it back in {@link #restore()}. They are called from several threads, but never for the
 * same CPU at once (the power manager serialises per CPU); queries must be cheap and must not
 * allocate on the request path (return cached immutable objects).
 */
public interface CpuFrequencies extends AutoCloseable {

  /** The backend's name for reports, e.g. {@code sysfs /sys} or {@code simulated}. */
  String description();

  /** The CPUs this backend can control (online and with frequency control). */
  CpuSet cpus();

  /** CPUs the host has but that are offline: reported, never touched. */
  CpuSet offlineCpus();

  /** The table of {@code cpu}, highest first; the same instance on every call. */
  FrequencyTable table(int cpu);

  /** The index in {@link #table(int)} the CPU is set to now (the nearest entry if off-table). */
  int currentIndex(int cpu);

  /** Sets {@code cpu} to entry {@code index} of its table. */
  void setIndex(int cpu, int index) throws FrequencyException;

  /** Whether turbo may be used on {@code cpu} now (false when the CPU has no turbo). */
  boolean turboEnabled(int cpu);

  /** Allows or forbids turbo on {@code cpu}; fails when the CPU has no turbo to enable. */
  void setTurbo(int cpu, boolean enabled) throws FrequencyException;

  CpuCapabilities capabilities(int cpu);

  /** The kernel driver, e.g. {@code acpi-cpufreq}, {@code intel_pstate}. */
  String driver(int cpu);

  /** The current governor, e.g. {@code userspace}, {@code performance}. */
  String governor(int cpu);

  /**
   * CPUs that share {@code cpu}'s frequency domain (including itself): a change on one may not take
   * effect until the others follow.
   */
  CpuSet relatedCpus(int cpu);

  /**
   * Puts back every setting this backend changed, to the values saved before the first write.
   * Idempotent. Continues past failures and reports them all in one exception.
   */
  void restore() throws FrequencyException;

  /**
   * The current value of every setting this backend may change on every CPU it controls, keyed so
   * that {@link #restoreSettings} (in this or another process) can write them back. The host saves
   * them to a state file before its first change, so that settings left by a host killed with
   * SIGKILL can be put back. Empty when the backend has nothing that outlives the process.
   */
  default Map<String, String> settings() throws FrequencyException {
    return Map.of();
  }

  /**
   * Writes back settings read by {@link #settings()}, possibly by another process, in an order the
   * hardware accepts. Rejects keys or values this backend would never write, writing nothing.
   */
  default void restoreSettings(Map<String, String> settings) throws FrequencyException {
    if (!settings.isEmpty()) {
      throw new FrequencyException(-1, description() + " has no settings to restore");
    }
  }

  /**
   * The settings of {@code cpu} this backend manages (or, for {@code cpu} -1, its host-wide ones),
   * each with what it last wrote and what the host holds now, read now. Empty before its first
   * write to the CPU and after {@link #restore()}. Cheap (a read of a few kept-open files), so a
   * drift check may run it often; the caller serialises it with the CPU's writes.
   */
  default List<ManagedSetting> managedSettings(int cpu) {
    return List.of();
  }

  /** Writes again the value {@code setting} last had from this backend (drift: re-apply). */
  default void reapply(ManagedSetting setting) throws FrequencyException {
    throw new FrequencyException(setting.cpu(), description() + " manages no settings");
  }

  /**
   * Takes the value the host holds now as the one this backend last wrote (drift: adopt), so it is
   * no longer reported; the value saved before the first write is still what restore writes.
   */
  default void adopt(ManagedSetting setting) {}

  /** Restores (see {@link #restore()}), logging rather than throwing any failure. */
  @Override
  void close();
}
