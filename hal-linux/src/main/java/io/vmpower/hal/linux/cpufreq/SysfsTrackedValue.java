package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.ManagedSetting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sysfs file this backend may change (a governor, {@code scaling_setspeed}, {@code no_turbo}):
 * reads and keeps the original value before the first write, records itself in the journal once a
 * write succeeded, and writes the original back on restore.
 *
 * <p>A write that fails before anything was changed forgets the saved original, so the next attempt
 * saves what the file holds then. After a restore the next write saves afresh.
 */
final class SysfsTrackedValue implements SysfsRestorable {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsTrackedValue.class);

  private final int cpu;
  private final SysfsFile file;
  private final SysfsJournal journal;
  private final boolean numeric;
  private String original;
  private boolean changed;
  private boolean ensured;

  /** What this backend last wrote (or found and kept), for the drift check; -1 / null: none. */
  private long expectedNumber = -1;

  private String expectedText;

  /**
   * @param cpu the CPU for messages, or -1 for a host-wide file
   * @param numeric whether the file holds a number: an original that is not one (for example {@code
   *     <unsupported>} in {@code scaling_setspeed}) cannot be written back and is skipped
   */
  SysfsTrackedValue(int cpu, SysfsFile file, SysfsJournal journal, boolean numeric) {
    this.cpu = cpu;
    this.file = file;
    this.journal = journal;
    this.numeric = numeric;
  }

  SysfsFile file() {
    return file;
  }

  /** Writes {@code value}, saving the original first. */
  synchronized void write(long value) throws FrequencyException {
    save();
    try {
      file.write(value);
    } catch (IOException e) {
      forgetIfUnchanged();
      throw SysfsErrors.writeFailed(cpu, file.path(), Long.toString(value), e);
    }
    markChanged();
    expectedNumber = value;
  }

  /** Writes {@code value} unless the file already holds it. */
  synchronized void writeIfDifferent(long value) throws FrequencyException {
    long current;
    try {
      current = file.readNumber();
    } catch (IOException e) {
      throw SysfsErrors.readFailed(cpu, file.path(), "before writing it", e);
    }
    if (current != value) {
      write(value);
    }
  }

  /**
   * Makes the file hold {@code value} (a governor name), writing only when it does not already. Is
   * checked once: later calls return at once until a restore puts the original back.
   */
  synchronized void ensure(String value) throws FrequencyException {
    if (ensured) {
      return;
    }
    String current;
    try {
      current = file.read();
    } catch (IOException e) {
      throw SysfsErrors.readFailed(cpu, file.path(), "before writing it", e);
    }
    if (!current.equals(value)) {
      save();
      try {
        file.write(value);
      } catch (IOException e) {
        forgetIfUnchanged();
        throw SysfsErrors.writeFailed(cpu, file.path(), value, e);
      }
      markChanged();
    }
    ensured = true;
    expectedText = value;
  }

  /**
   * Makes the next {@link #ensure} read the file again: called after a dependent write failed, for
   * example because someone switched the governor behind our back.
   */
  synchronized void recheck() {
    ensured = false;
  }

  private void save() throws FrequencyException {
    if (original != null) {
      return;
    }
    try {
      original = file.read();
    } catch (IOException e) {
      throw SysfsErrors.readFailed(cpu, file.path(), "to save it before the first write", e);
    }
  }

  private void forgetIfUnchanged() {
    if (!changed) {
      original = null;
    }
  }

  private void markChanged() {
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
    if (numeric && !isNumber(original)) {
      LOG.debug(
          "{}{} held '{}' before the first write: nothing to write back",
          SysfsErrors.prefix(cpu),
          file.path(),
          original);
      reset();
      return true;
    }
    try {
      file.write(original);
    } catch (IOException e) {
      failures.add(SysfsErrors.writeFailed(cpu, file.path(), original, e).getMessage());
      return false;
    }
    reset();
    return true;
  }

  private void reset() {
    changed = false;
    ensured = false;
    original = null;
    expectedNumber = -1;
    expectedText = null;
  }

  /** The name the drift check reports: the file name, with its folder for a host-wide file. */
  String settingName() {
    Path p = file.path();
    return cpu >= 0 || p.getParent() == null
        ? p.getFileName().toString()
        : p.getParent().getFileName() + "/" + p.getFileName();
  }

  /**
   * What this file was last given and what it holds now, or null when this backend has not written
   * it (nor made sure of its value) since the last restore.
   */
  synchronized ManagedSetting managed() {
    String expected = expected();
    if (expected == null) {
      return null;
    }
    String found;
    try {
      found = numeric && expectedText == null ? number(file.readNumber()) : file.read();
    } catch (IOException e) {
      found = "unreadable (" + SysfsErrors.reason(e) + ")";
    }
    return new ManagedSetting(cpu, settingName(), expected, found);
  }

  private String number(long value) throws IOException {
    return value >= 0 ? Long.toString(value) : file.read();
  }

  private String expected() {
    if (expectedText != null) {
      return expectedText;
    }
    return expectedNumber >= 0 ? Long.toString(expectedNumber) : null;
  }

  /** Writes what this file was last given again (drift: re-apply). */
  synchronized void reapply() throws FrequencyException {
    if (expectedText != null) {
      try {
        file.write(expectedText);
      } catch (IOException e) {
        throw SysfsErrors.writeFailed(cpu, file.path(), expectedText, e);
      }
    } else if (expectedNumber >= 0) {
      write(expectedNumber);
    }
  }

  /** Takes {@code found} as what this file was last given (drift: adopt). */
  synchronized void adopt(String found) {
    if (expectedText != null) {
      expectedText = found;
    } else if (expectedNumber >= 0) {
      long n = SysfsFiles.parseCount(found);
      if (n >= 0) {
        expectedNumber = n;
      }
    }
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  @Override
  public boolean hostWide() {
    return cpu < 0;
  }

  @Override
  public String toString() {
    return file.path().toString();
  }
}
