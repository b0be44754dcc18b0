package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.FrequencyException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SysfsErrorsTest {

  static Stream<Arguments> failures() {
    String f = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_setspeed";
    return Stream.of(
        Arguments.of(new AccessDeniedException(f), "EACCES (permission denied)"),
        Arguments.of(new NoSuchFileException(f), "ENOENT (no such file)"),
        Arguments.of(
            new FileSystemException(f, null, "Device or resource busy"),
            "EBUSY (Device or resource busy)"),
        Arguments.of(
            new FileSystemException(f, null, "Invalid argument"), "EINVAL (Invalid argument)"),
        Arguments.of(
            new FileSystemException(f, null, "Read-only file system"),
            "EROFS (Read-only file system)"),
        Arguments.of(new IOException("Device or resource busy"), "EBUSY (Device or resource busy)"),
        Arguments.of(new IOException("Is a directory"), "EISDIR (Is a directory)"),
        Arguments.of(new IOException("something new"), "something new"));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void namesTheErrno(IOException e, String expected) {
    assertEquals(expected, SysfsErrors.reason(e));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void writeFailureNamesCpuFileValueAndReason(IOException e, String expected) {
    Path file = Path.of("/sys/devices/system/cpu/cpu3/cpufreq/scaling_setspeed");
    FrequencyException fe = SysfsErrors.writeFailed(3, file, "2400000", e);
    assertEquals(3, fe.cpu());
    assertEquals("CPU 3: cannot write '2400000' to " + file + ": " + expected, fe.getMessage());
    assertTrue(fe.getCause() == e);
  }
}
