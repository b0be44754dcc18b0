package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.ManagedSetting;
import java.io.IOException;
import java.util.List;

/**
 * The pair {@code scaling_min_freq} / {@code scaling_max_freq} of one CPU, set together to pin a
 * frequency. Writes keep min &le; max at every step: raising (target above the current max) writes
 * max first, lowering writes min first. Both originals are saved before the first write; restore
 * writes them back in whichever order keeps min &le; max.
 */
final class SysfsTrackedLimits implements SysfsRestorable {
  private final int cpu;
  private final SysfsFile min;
  private final SysfsFile max;
  private final SysfsJournal journal;
  private long originalMin = -1;
  private long originalMax = -1;
  private boolean changed;

  /** What this backend last wrote to min and max (-1: nothing), for the drift check. */
  private long expectedMin = -1;

  private long expectedMax = -1;

  SysfsTrackedLimits(int cpu, SysfsFile min, SysfsFile max, SysfsJournal journal) {
    this.cpu = cpu;
    this.min = min;
    this.max = max;
    this.journal = journal;
  }

  /** Sets min and max to {@code khz}, in the order that keeps min &le; max. */
  synchronized void set(long khz) throws FrequencyException {
    try {
      save();
      long currentMax = read(max, "to order the writes");
      if (khz > currentMax) {
        write(max, khz);
        write(min, khz);
      } else {
        write(min, khz);
        write(max, khz);
      }
      expectedMin = khz;
      expectedMax = khz;
    } finally {
      if (!changed) {
        originalMin = -1;
        originalMax = -1;
      }
    }
  }

  private void save() throws FrequencyException {
    if (originalMin >= 0) {
      return;
    }
    long lo = read(min, "to save it before the first write");
    long hi = read(max, "to save it before the first write");
    originalMin = lo;
    originalMax = hi;
  }

  private long read(SysfsFile file, String purpose) throws FrequencyException {
    long value;
    try {
      value = file.readNumber();
    } catch (IOException e) {
      throw SysfsErrors.readFailed(cpu, file.path(), purpose, e);
    }
    if (value < 0) {
      throw new FrequencyException(
          cpu,
          SysfsErrors.prefix(cpu)
              + "cannot read "
              + file.path()
              + " "
              + purpose
              + ": it does not hold a frequency in kHz");
    }
    return value;
  }

  private void write(SysfsFile file, long khz) throws FrequencyException {
    try {
      file.write(khz);
    } catch (IOException e) {
      throw SysfsErrors.writeFailed(cpu, file.path(), Long.toString(khz), e);
    }
    if (!changed) {
      changed = true;
      journal.record(this);
    }
  }

  @Override
  public synchronized boolean restore(List<String> failures) {
    if (!changed) {
      return true;
    }
    long currentMin;
    try {
      currentMin = min.readNumber();
    } catch (IOException e) {
      currentMin = -1;
    }
    boolean maxFirst = currentMin < 0 || originalMax >= currentMin;
    int before = failures.size();
    if (maxFirst) {
      restoreOne(max, originalMax, failures);
      restoreOne(min, originalMin, failures);
    } else {
      restoreOne(min, originalMin, failures);
      restoreOne(max, originalMax, failures);
    }
    if (failures.size() > before) {
      return false;
    }
    changed = false;
    originalMin = -1;
    originalMax = -1;
    expectedMin = -1;
    expectedMax = -1;
    return true;
  }

  /** Min and max as last written and as found now; empty when not written since a restore. */
  synchronized List<ManagedSetting> managed() {
    if (expectedMin < 0) {
      return List.of();
    }
    return List.of(managed(min, expectedMin), managed(max, expectedMax));
  }

  private ManagedSetting managed(SysfsFile file, long expected) {
    String found;
    try {
      long v = file.readNumber();
      found = v >= 0 ? Long.toString(v) : file.read();
    } catch (IOException e) {
      found = "unreadable (" + SysfsErrors.reason(e) + ")";
    }
    return new ManagedSetting(
        cpu, file.path().getFileName().toString(), Long.toString(expected), found);
  }

  /** Writes both limits as last written again, max first when raising (drift: re-apply). */
  synchronized void reapply() throws FrequencyException {
    if (expectedMin < 0) {
      return;
    }
    long currentMax = read(max, "to order the writes");
    if (expectedMin > currentMax) {
      write(max, expectedMax);
      write(min, expectedMin);
    } else {
      write(min, expectedMin);
      write(max, expectedMax);
    }
  }

  /** Takes {@code found} as what {@code setting} (min or max) was last given (drift: adopt). */
  synchronized void adopt(String setting, String found) {
    long v = SysfsFiles.parseCount(found);
    if (v < 0 || expectedMin < 0) {
      return;
    }
    if (setting.equals(min.path().getFileName().toString())) {
      expectedMin = v;
    } else if (setting.equals(max.path().getFileName().toString())) {
      expectedMax = v;
    }
  }

  private void restoreOne(SysfsFile file, long value, List<String> failures) {
    try {
      file.write(value);
    } catch (IOException e) {
      failures.add(SysfsErrors.writeFailed(cpu, file.path(), Long.toString(value), e).getMessage());
    }
  }

  @Override
  public boolean hostWide() {
    return false;
  }

  @Override
  public String toString() {
    return min.path() + " and " + max.path();
  }
}
