package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.power.CpuScaleResult;
import io.vmpower.core.power.ScaleOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** set_cpu_freq(_mask): every CPU is checked before any is scaled. */
class FrequencyCommandsTest extends HostCommandsTestBase {

  @Test
  void setCpuFreqOnAnUnknownCpuChangesNothing() {
    String message = failure(() -> frequencies.setCpuFreq(CpuSet.of(1, 12), ScaleOp.UP));

    assertEquals("CPU 12 does not exist (host has 8)", message);
    assertTrue(hw.writes().isEmpty(), "CPU 1 was not scaled either");
    assertEquals(
        "the core mask is empty: name at least one core",
        failure(() -> frequencies.setCpuFreq(CpuSet.empty(), ScaleOp.UP)));
  }

  @Test
  void setCpuFreqScalesEachCpuAndReports() throws Exception {
    List<CpuScaleResult> results = frequencies.setCpuFreq(CpuSet.of(1, 2), ScaleOp.UP);

    assertEquals(2, results.size());
    assertEquals("Core 1: 2000000 -> 2200000 kHz", results.get(0).describe());
    assertEquals(3, hw.currentIndex(2));
  }
}
