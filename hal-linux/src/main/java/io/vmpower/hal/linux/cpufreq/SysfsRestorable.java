package io.vmpower.hal.linux.cpufreq;

import java.util.List;

/** A setting this backend changed and can put back. */
interface SysfsRestorable {

  /**
   * Writes back the value saved before the first write. On failure adds one message naming the file
   * and the reason to {@code failures} and returns false (a later restore tries again).
   */
  boolean restore(List<String> failures);

  /**
   * Host-wide settings (for example {@code intel_pstate/no_turbo}) are restored before per-CPU
   * ones.
   */
  boolean hostWide();
}
