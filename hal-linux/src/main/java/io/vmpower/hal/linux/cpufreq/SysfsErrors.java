package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Turns the JDK's I/O exceptions into the errno names operators know ({@code EACCES}, {@code
 * EBUSY}, {@code EINVAL}, ...) and builds failure messages that name the CPU, the file and the
 * reason. Anything not recognised keeps the JDK's own message.
 */
final class SysfsErrors {
  private static final String[][] REASONS = {
    {"Permission denied", "EACCES"},
    {"Device or resource busy", "EBUSY"},
    {"Invalid argument", "EINVAL"},
    {"Read-only file system", "EROFS"},
    {"Is a directory", "EISDIR"},
    {"Not a directory", "ENOTDIR"},
    {"No such device", "ENODEV"},
    {"No such file or directory", "ENOENT"},
    {"Operation not permitted", "EPERM"},
    {"Resource temporarily unavailable", "EAGAIN"},
  };

  private SysfsErrors() {}

  /** E.g. {@code EBUSY (Device or resource busy)}; the JDK's message when not recognised. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "EACCES ("
          + orDefault(((FileSystemException) e).getReason(), "permission denied")
          + ")";
    }
    if (e instanceof NoSuchFileException) {
      return "ENOENT (no such file)";
    }
    String text =
        e instanceof FileSystemException fse && fse.getReason() != null
            ? fse.getReason()
            : e.getMessage();
    if (text == null) {
      return e.getClass().getSimpleName();
    }
    for (String[] r : REASONS) {
      if (text.contains(r[0])) {
        return r[1] + " (" + r[0] + ")";
      }
    }
    return text;
  }

  private static String orDefault(String s, String fallback) {
    return s == null ? fallback : s;
  }

  static FrequencyException writeFailed(int cpu, Path file, String value, IOException e) {
    return new FrequencyException(
        cpu, prefix(cpu) + "cannot write '" + value + "' to " + file + ": " + reason(e), e);
  }

  static FrequencyException readFailed(int cpu, Path file, String purpose, IOException e) {
    return new FrequencyException(
        cpu,
        prefix(cpu)
            + "cannot read "
            + file
            + (purpose.isEmpty() ? "" : " " + purpose)
            + ": "
            + reason(e),
        e);
  }

  static String prefix(int cpu) {
    return cpu >= 0 ? "CPU " + cpu + ": " : "";
  }
}
