package io.vmpower.hal.linux.cpufreq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.FrequencyTable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SysfsAcpiCpufreqTest {
  /** As the kernel lists them: turbo is the 1000 kHz step on top. */
  static final long[] TURBO = {
    2_601_000, 2_600_000, 2_400_000, 2_200_000, 2_000_000, 1_800_000, 1_600_000, 1_400_000,
    1_200_000
  };

  static final long[] PLAIN = {2_600_000, 2_400_000, 2_000_000, 1_200_000};
  static final String SETSPEED0 = "cpu0/cpufreq/scaling_setspeed";
  static final String GOVERNOR0 = "cpu0/cpufreq/scaling_governor";

  @TempDir Path tmp;

  private FakeSysfs twoCpus() {
    return new FakeSysfs(tmp)
        .cpus("0-1", "0-1")
        .acpi(0, "ondemand", TURBO)
        .acpi(1, "ondemand", TURBO);
  }

  @Test
  void tableIsTheAvailableListHighestFirstWithTurboDetected() {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-2", "0-2").acpi(0, "ondemand", TURBO);
    fake.acpi(1, "ondemand", PLAIN);
    fake.acpi(2, "ondemand", 1_200_000, 2_601_000, 2_000_000, 2_600_000);
    try (SysfsCpuFrequencies f = fake.open()) {
      FrequencyTable t = f.table(0);
      assertArrayEquals(TURBO, t.toArray());
      assertTrue(t.hasTurbo());
      assertSame(t, f.table(0));
      assertFalse(f.table(1).hasTurbo());
      assertEquals(4, f.table(1).size());
      assertArrayEquals(
          new long[] {2_601_000, 2_600_000, 2_000_000, 1_200_000}, f.table(2).toArray());
      assertTrue(f.table(2).hasTurbo());
      assertTrue(f.capabilities(0).turbo());
      assertFalse(f.capabilities(1).turbo());
    }
  }

  @Test
  void firstSetIndexSwitchesToUserspaceThenWritesSetspeed() throws Exception {
    FakeSysfs fake = twoCpus();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      f.setIndex(0, 4);
      assertEquals(
          List.of(GOVERNOR0 + "=userspace", SETSPEED0 + "=2400000", SETSPEED0 + "=2000000"),
          fake.writes());
      assertEquals("2000000", fake.read(SETSPEED0));
      assertEquals("userspace", f.governor(0));
      assertEquals("ondemand", f.governor(1), "cpu1 is left alone");
      assertEquals(4, f.currentIndex(0));
    }
  }

  @Test
  void currentIndexIsWhatTheHardwareHasNow() throws Exception {
    FakeSysfs fake = twoCpus();
    fake.file("cpu0/cpufreq/scaling_cur_freq", "1800000");
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(5, f.currentIndex(0), "before any write: scaling_cur_freq");
      fake.file("cpu0/cpufreq/scaling_cur_freq", "2050000");
      assertEquals(4, f.currentIndex(0), "off-table: the nearest entry");
      f.setIndex(0, 7);
      assertEquals(7, f.currentIndex(0));
      fake.file(SETSPEED0, "2200000");
      assertEquals(7, f.currentIndex(0), "after a write: what was written, not read back");
      f.restore();
      fake.file("cpu0/cpufreq/scaling_cur_freq", "2200000");
      assertEquals(3, f.currentIndex(0), "after a restore (governor ondemand): read again");
    }
  }

  @Test
  void aWriteIsTrustedSoTheRequestPathDoesNotReadBack() throws Exception {
    FakeSysfs fake = twoCpus();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 4);
      int reads = fake.numberReads(SETSPEED0);
      for (int i = 0; i < 10; i++) {
        assertEquals(i % 2 == 0 ? 4 : 5, f.currentIndex(0));
        f.setIndex(0, i % 2 == 0 ? 5 : 4);
      }
      assertEquals(reads, fake.numberReads(SETSPEED0), "no read of scaling_setspeed per change");
      assertEquals("2000000", fake.read(SETSPEED0));
    }
  }

  @Test
  void aFailedWriteMakesTheNextQueryReadTheHardware() throws Exception {
    FakeSysfs fake = twoCpus();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 4);
      fake.file(SETSPEED0, "1400000"); // someone else, then the kernel refuses our next store
      fake.failNextWrite(SETSPEED0, new FileSystemException(fake.path(SETSPEED0).toString()));
      assertThrows(FrequencyException.class, () -> f.setIndex(0, 2));
      assertEquals(7, f.currentIndex(0), "read again after the failure: 1.4 GHz");
    }
  }

  @Test
  void cpusSharingOnePolicyReadBackEveryTime() throws Exception {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-1", "0-1").acpi(0, "ondemand", TURBO);
    fake.sharePolicy(0, 0, 1);
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      int reads = fake.numberReads("cpu0/cpufreq/scaling_setspeed");
      assertEquals(2, f.currentIndex(0));
      assertEquals(reads + 1, fake.numberReads("cpu0/cpufreq/scaling_setspeed"));
    }
  }

  @Test
  void turboIsAnInMemoryFlagThatWritesNothing() throws Exception {
    FakeSysfs fake = twoCpus();
    try (SysfsCpuFrequencies f = fake.open()) {
      assertTrue(f.turboEnabled(0));
      f.setIndex(0, 0);
      assertEquals("2601000", fake.read(SETSPEED0));
      fake.clearWrites();
      f.setTurbo(0, false);
      assertEquals(List.of(), fake.writes());
      assertFalse(f.turboEnabled(0));
      assertTrue(f.turboEnabled(1), "per CPU");
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 0));
      assertTrue(e.getMessage().contains("turbo is disabled"), e.getMessage());
      f.setIndex(0, 1);
      assertEquals("2600000", fake.read(SETSPEED0));
      f.setTurbo(0, true);
      assertTrue(f.turboEnabled(0));
      f.setIndex(0, 0);
      assertEquals("2601000", fake.read(SETSPEED0));
    }
  }

  @Test
  void enablingTurboOnACpuWithoutTurboFails() throws Exception {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0", "0").acpi(0, "ondemand", PLAIN);
    try (SysfsCpuFrequencies f = fake.open()) {
      assertFalse(f.turboEnabled(0));
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setTurbo(0, true));
      assertTrue(e.getMessage().contains("CPU 0 has no turbo"), e.getMessage());
      assertEquals(0, e.cpu());
      f.setTurbo(0, false);
      assertFalse(f.turboEnabled(0));
      f.setIndex(0, 0);
      assertEquals("2600000", fake.read(SETSPEED0));
    }
  }

  static Stream<Arguments> writeFailures() {
    return Stream.of(
        Arguments.of(new AccessDeniedException("x"), "EACCES"),
        Arguments.of(new FileSystemException("x", null, "Device or resource busy"), "EBUSY"),
        Arguments.of(new FileSystemException("x", null, "Invalid argument"), "EINVAL"),
        Arguments.of(new IOException("No such device"), "ENODEV"));
  }

  @ParameterizedTest
  @MethodSource("writeFailures")
  void aFailedWriteNamesFileAndReasonAndLeavesTheStateAsTheHardwareHasIt(
      IOException failure, String errno) throws Exception {
    FakeSysfs fake = twoCpus();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      fake.failWrites(SETSPEED0, failure);
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 6));
      String expected = "CPU 0: cannot write '1600000' to " + fake.path(SETSPEED0) + ": " + errno;
      assertTrue(e.getMessage().startsWith(expected + " ("), e.getMessage());
      assertEquals(0, e.cpu());
      assertEquals("2400000", fake.read(SETSPEED0));
      assertEquals(2, f.currentIndex(0));
      fake.clearFailures();
    }
  }

  @Test
  void aGovernorSwitchedBehindOurBackIsSetAgainAfterAFailedWrite() throws Exception {
    FakeSysfs fake = twoCpus();
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      fake.file(GOVERNOR0, "performance");
      fake.failNextWrite(SETSPEED0, new FileSystemException("x", null, "Invalid argument"));
      assertThrows(FrequencyException.class, () -> f.setIndex(0, 3));
      fake.clearWrites();
      f.setIndex(0, 3);
      assertEquals(List.of(GOVERNOR0 + "=userspace", SETSPEED0 + "=2200000"), fake.writes());
    }
    assertEquals(before, fake.snapshot(), "the original governor, saved first, is restored");
  }

  @Test
  void aFailedGovernorSwitchWritesNothingAndLeavesNothingToRestore() throws Exception {
    FakeSysfs fake = twoCpus();
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      fake.failNextWrite(GOVERNOR0, new AccessDeniedException(fake.path(GOVERNOR0).toString()));
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setIndex(0, 3));
      assertTrue(e.getMessage().contains(fake.path(GOVERNOR0) + ": EACCES"), e.getMessage());
      assertEquals(List.of(), fake.writes());
      f.restore();
      assertEquals(List.of(), fake.writes());
      f.setIndex(0, 3);
      assertEquals(List.of(GOVERNOR0 + "=userspace", SETSPEED0 + "=2200000"), fake.writes());
    }
    assertEquals(before, fake.snapshot());
  }

  @Test
  void restoreAfterAFailureHalfwayLeavesTheTreeByteIdenticalAndIsIdempotent() throws Exception {
    FakeSysfs fake = twoCpus();
    fake.file("cpu1/cpufreq/scaling_cur_freq", "2000000");
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      f.setIndex(1, 3);
      fake.failNextWrite(
          "cpu1/cpufreq/scaling_setspeed",
          new FileSystemException("x", null, "Device or resource busy"));
      assertThrows(FrequencyException.class, () -> f.setIndex(1, 6));
      f.setIndex(0, 7);
      f.setTurbo(0, false);
      f.restore();
      assertEquals(before, fake.snapshot());
      List<String> writes = fake.writes();
      f.restore();
      assertEquals(writes, fake.writes(), "a second restore writes nothing");
      assertEquals(before, fake.snapshot());
    }
    assertEquals(before, fake.snapshot());
  }

  @Test
  void restoreContinuesPastFailuresReportsThemAllAndCanBeRetried() throws Exception {
    FakeSysfs fake = twoCpus();
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      f.setIndex(0, 2);
      f.setIndex(1, 3);
      fake.failWrites(GOVERNOR0, new FileSystemException("x", null, "Device or resource busy"));
      fake.failWrites(
          "cpu1/cpufreq/scaling_governor", new FileSystemException("x", null, "Invalid argument"));
      FrequencyException e = assertThrows(FrequencyException.class, f::restore);
      assertEquals(-1, e.cpu());
      assertTrue(e.getMessage().contains("could not restore 2 setting(s)"), e.getMessage());
      assertTrue(
          e.getMessage().contains("cannot write 'ondemand' to " + fake.path(GOVERNOR0) + ": EBUSY"),
          e.getMessage());
      assertTrue(
          e.getMessage().contains(fake.path("cpu1/cpufreq/scaling_governor") + ": EINVAL"),
          e.getMessage());
      assertEquals("userspace", fake.read(GOVERNOR0), "the failed one is left as it is");
      assertEquals("1200000", fake.read(SETSPEED0), "restored past the failure");
      fake.clearFailures();
      f.restore();
      assertEquals(before, fake.snapshot());
    }
  }

  @Test
  void cpusSharingOnePolicyAreRestoredNewestFirst() throws Exception {
    FakeSysfs fake = new FakeSysfs(tmp).cpus("0-1", "0-1").acpi(0, "ondemand", TURBO);
    fake.sharePolicy(0, 0, 1);
    Map<String, String> before = fake.snapshot();
    try (SysfsCpuFrequencies f = fake.open()) {
      assertEquals(CpuSet.of(0, 1), f.relatedCpus(0));
      assertEquals(CpuSet.of(0, 1), f.relatedCpus(1));
      f.setIndex(0, 2);
      f.setIndex(1, 5);
      assertEquals(5, f.currentIndex(0), "one policy: cpu0 follows cpu1's write");
      f.restore();
      assertEquals(before, fake.snapshot());
    }
  }
}
