package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files one {@link SysfsCpuFrequencies} has opened, one instance per path, so they can all be
 * closed at the end; plus the strict reads the backends do while probing.
 */
final class SysfsFiles {
  private final SysfsFileFactory factory;
  private final Map<Path, SysfsFile> open = new LinkedHashMap<>();

  SysfsFiles(SysfsFileFactory factory) {
    this.factory = factory;
  }

  /** The file at {@code path}; its descriptors open on first use. */
  synchronized SysfsFile get(Path path) {
    return open.computeIfAbsent(path, factory::open);
  }

  /** The content of {@code path}, trimmed; failing with a message that names the file. */
  String text(int cpu, Path path) throws FrequencyException {
    try {
      return get(path).read();
    } catch (IOException e) {
      throw SysfsErrors.readFailed(cpu, path, "", e);
    }
  }

  /** The positive number in {@code path}; failing with a message that names the file. */
  long number(int cpu, Path path) throws FrequencyException {
    String text = text(cpu, path);
    long value = parsePositive(text);
    if (value <= 0) {
      throw new FrequencyException(
          cpu,
          SysfsErrors.prefix(cpu)
              + path
              + " holds '"
              + text
              + "': expected a positive decimal number");
    }
    return value;
  }

  /** The positive number in {@code path}, or -1 when the file does not exist. */
  long optionalNumber(int cpu, Path path) throws FrequencyException {
    return Files.exists(path) ? number(cpu, path) : -1;
  }

  /** The number (zero allowed) in {@code path}, or -1 when the file does not exist. */
  long optionalCount(int cpu, Path path) throws FrequencyException {
    if (!Files.exists(path)) {
      return -1;
    }
    String text = text(cpu, path);
    long value = parseCount(text);
    if (value < 0) {
      throw new FrequencyException(
          cpu,
          SysfsErrors.prefix(cpu)
              + path
              + " holds '"
              + text
              + "': expected a non-negative decimal number");
    }
    return value;
  }

  /**
   * Fails unless {@code governor} is listed in {@code scaling_available_governors} (when the kernel
   * provides that file), so a CPU that cannot be driven is reported at start, not at first write.
   */
  void requireGovernor(int cpu, Path cpufreqDir, String governor) throws FrequencyException {
    Path available = cpufreqDir.resolve("scaling_available_governors");
    if (!Files.exists(available)) {
      return;
    }
    String list = text(cpu, available);
    for (String g : list.split("\\s+")) {
      if (g.equals(governor)) {
        return;
      }
    }
    throw new FrequencyException(
        cpu,
        SysfsErrors.prefix(cpu)
            + "governor "
            + governor
            + " is not available (scaling_available_governors: "
            + list
            + ")");
  }

  /** The positive decimal number {@code text}, or -1. */
  static long parsePositive(String text) {
    long value = parseCount(text);
    return value > 0 ? value : -1;
  }

  /** The non-negative decimal number {@code text}, or -1. */
  static long parseCount(String text) {
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(text);
  }

  synchronized void closeAll() {
    for (SysfsFile f : open.values()) {
      f.close();
    }
  }
}
