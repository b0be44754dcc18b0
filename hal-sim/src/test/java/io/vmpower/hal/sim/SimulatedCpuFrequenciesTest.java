package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedCpuFrequenciesTest {
  @TempDir Path dir;
  SimulatedHost host;
  SimulatedCpuFrequencies freq;

  @BeforeEach
  void setUp() {
    host = new SimulatedHost(Scenario.defaultScenario(), dir);
    freq = new SimulatedCpuFrequencies(host);
  }

  @AfterEach
  void tearDown() {
    host.close();
  }

  @Test
  void describesTheHost() {
    assertEquals("simulated (8 CPUs)", freq.description());
    assertEquals(CpuSet.range(0, 7), freq.cpus());
    assertEquals(CpuSet.empty(), freq.offlineCpus());
    assertSame(freq.table(3), freq.table(3));
    assertEquals(1, freq.currentIndex(3));
    assertEquals("acpi-cpufreq", freq.driver(3));
    assertEquals("userspace", freq.governor(3));
    assertEquals(CpuSet.of(3), freq.relatedCpus(3));
    assertTrue(freq.capabilities(3).turbo());
    assertThrows(IllegalArgumentException.class, () -> freq.table(8));
  }

  @Test
  void setIndexChangesTheHostAndIsLogged() throws FrequencyException {
    freq.setIndex(2, 8);
    freq.setIndex(3, 0);
    assertEquals(1200000, host.frequencyKhz(2));
    assertEquals(8, freq.currentIndex(2));
    assertEquals(2601000, host.frequencyKhz(3));
    assertEquals(
        List.of(
            new SimulatedFrequencyWrite(2, 8, 1200000), new SimulatedFrequencyWrite(3, 0, 2601000)),
        host.frequencyWrites());
    assertEquals(2, host.frequencyWriteCount());
    FrequencyException e = assertThrows(FrequencyException.class, () -> freq.setIndex(2, 9));
    assertEquals(
        "cpu2: write scaling_setspeed failed: EINVAL (index 9 is not in the table, 0-8)",
        e.getMessage());
    assertEquals(2, e.cpu());
    e = assertThrows(FrequencyException.class, () -> freq.setIndex(8, 0));
    assertEquals("cpu8: no such CPU (host has 8: 0-7)", e.getMessage());
    assertEquals(2, host.frequencyWriteCount());
  }

  @Test
  void turboChangesOnlyTheFlag() throws FrequencyException {
    assertTrue(freq.turboEnabled(4));
    freq.setTurbo(4, false);
    assertFalse(freq.turboEnabled(4));
    assertFalse(host.turboEnabled(4));
    assertEquals(1, host.frequencyIndex(4));
    assertEquals(0, host.frequencyWriteCount());
    freq.setTurbo(4, true);
    assertTrue(freq.turboEnabled(4));
  }

  @Test
  void turboCannotBeEnabledWithoutATurboEntry() throws Exception {
    Scenario s =
        ScenarioLoader.parse(
            "host: {cpus: 2, frequencies: [2600000, 2400000]}", ScenarioLoader.Format.YAML, "s");
    try (SimulatedHost h = new SimulatedHost(s, dir)) {
      SimulatedCpuFrequencies f = new SimulatedCpuFrequencies(h);
      assertFalse(f.turboEnabled(0));
      FrequencyException e = assertThrows(FrequencyException.class, () -> f.setTurbo(0, true));
      assertEquals(
          "cpu0: cannot enable turbo: its table has none (2600000 2400000)", e.getMessage());
      f.setTurbo(0, false);
      assertFalse(f.turboEnabled(0));
    }
  }

  @Test
  void restorePutsBackExactlyWhatWasThere() throws Exception {
    Scenario s =
        ScenarioLoader.parse(
            "host: {cpus: 4, frequencies: [2601000, 2600000, 1200000], governor: ondemand,"
                + " overrides: [{cpus: \"3\", driver: intel_pstate, governor: powersave}]}",
            ScenarioLoader.Format.YAML,
            "s");
    try (SimulatedHost h = new SimulatedHost(s, dir)) {
      SimulatedCpuFrequencies f = new SimulatedCpuFrequencies(h);
      List<SimulatedCpuState> before = h.cpuStates();
      f.setIndex(0, 2);
      f.setTurbo(1, false);
      f.setIndex(3, 0);
      assertEquals("userspace", f.governor(0));
      assertEquals("userspace", f.governor(1));
      assertEquals("performance", f.governor(3));
      assertEquals("ondemand", f.governor(2)); // never written
      f.restore();
      assertEquals(before, h.cpuStates());
      long writes = h.frequencyWriteCount();
      f.restore(); // idempotent: nothing left to put back
      assertEquals(before, h.cpuStates());
      assertEquals(writes, h.frequencyWriteCount());
    }
  }

  @Test
  void restoreContinuesPastFailuresAndReportsThemAll() throws FrequencyException {
    List<SimulatedCpuState> before = host.cpuStates();
    freq.setIndex(1, 5);
    freq.setIndex(2, 5);
    freq.setIndex(3, 5);
    host.failFrequencyWrites(1, "EBUSY");
    host.failFrequencyWrites(3, "EACCES");
    FrequencyException e = assertThrows(FrequencyException.class, freq::restore);
    assertEquals(
        "restore failed on 2 CPUs: cpu1: write scaling_setspeed failed: EBUSY;"
            + " cpu3: write scaling_setspeed failed: EACCES",
        e.getMessage());
    assertEquals(-1, e.cpu());
    assertEquals(2, e.getSuppressed().length);
    assertEquals(before.get(2), host.cpuState(2));
    host.clearFaults();
    freq.restore(); // what failed is tried again
    assertEquals(before, host.cpuStates());
  }

  @Test
  void faultInjection() throws FrequencyException {
    host.failFrequencyWrites(5, "EBUSY");
    FrequencyException e = assertThrows(FrequencyException.class, () -> freq.setIndex(5, 3));
    assertEquals("cpu5: write scaling_setspeed failed: EBUSY", e.getMessage());
    assertEquals(5, e.cpu());
    assertThrows(FrequencyException.class, () -> freq.setIndex(5, 3));
    assertThrows(FrequencyException.class, () -> freq.setTurbo(5, false));
    assertEquals(1, host.frequencyIndex(5));
    freq.setIndex(4, 3); // other CPUs unaffected
    host.clearFaults();
    freq.setIndex(5, 3);
    assertEquals(3, host.frequencyIndex(5));

    host.failNextFrequencyWrite(6, "EINVAL");
    e = assertThrows(FrequencyException.class, () -> freq.setIndex(6, 2));
    assertEquals("cpu6: write scaling_setspeed failed: EINVAL", e.getMessage());
    freq.setIndex(6, 2); // only once
    assertEquals(2, host.frequencyIndex(6));
    assertEquals(3, host.frequencyWriteCount());
  }

  @Test
  void offlineCpusAreExcludedAndNotWritable() {
    host.offline(7);
    assertEquals(CpuSet.range(0, 6), freq.cpus());
    assertEquals(CpuSet.of(7), freq.offlineCpus());
    FrequencyException e = assertThrows(FrequencyException.class, () -> freq.setIndex(7, 2));
    assertEquals(
        "cpu7: write scaling_setspeed failed: ENOENT (the CPU is offline)", e.getMessage());
    host.online(7);
    assertEquals(CpuSet.range(0, 7), freq.cpus());
    assertEquals(CpuSet.empty(), freq.offlineCpus());
  }

  @Test
  void theRequestPathDoesNotAllocate() throws FrequencyException {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int requests = 20_000;
    long quietest = Long.MAX_VALUE;
    long sum = 0;
    for (int round = 0;
        round < 6;
        round++) { // the first rounds warm up (class loading, log growth)
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < requests; i++) {
        int cpu = i & 7;
        freq.setIndex(cpu, i % 9);
        sum += freq.currentIndex(cpu) + freq.table(cpu).size();
        sum += freq.turboEnabled(cpu) ? 1 : 0;
        sum += freq.cpus().size();
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      if (round >= 2) {
        quietest = Math.min(quietest, allocated);
      }
    }
    // One object per request would be >= 16 bytes each; the JIT may allocate a little once.
    assertTrue(quietest < requests, "bytes allocated by " + requests + " requests: " + quietest);
    assertTrue(sum > 0);
  }
}
