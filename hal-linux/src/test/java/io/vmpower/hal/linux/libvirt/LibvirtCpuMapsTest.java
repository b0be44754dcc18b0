package io.vmpower.hal.linux.libvirt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LibvirtCpuMapsTest {

  @Test
  void mapLengthRoundsUpToWholeBytes() {
    assertEquals(1, LibvirtCpuMaps.mapLength(1));
    assertEquals(1, LibvirtCpuMaps.mapLength(8));
    assertEquals(2, LibvirtCpuMaps.mapLength(9));
    assertEquals(16, LibvirtCpuMaps.mapLength(128));
    assertThrows(IllegalArgumentException.class, () -> LibvirtCpuMaps.mapLength(0));
  }

  @Test
  void rowsReadSignedBytesBitJOfByteJOver8() {
    // two vCPUs on a 16-CPU host: vCPU 0 on CPU 2, vCPU 1 on CPUs 7 and 15 (0x80 arrives as -128)
    int[] maps = {0x04, 0x00, -128, -128};
    assertEquals(List.of(CpuSet.of(2), CpuSet.of(7, 15)), LibvirtCpuMaps.rows(maps, 2));
  }

  @Test
  void rowsRejectALengthThatIsNoMultipleOfTheMap() {
    assertThrows(IllegalArgumentException.class, () -> LibvirtCpuMaps.rows(new int[3], 2));
  }

  @Test
  void bitmapSetsOneBitPerCpuBeyond64() {
    int[] map = LibvirtCpuMaps.bitmap(CpuSet.of(0, 9, 100), 16);
    int[] expected = new int[16];
    expected[0] = 0x01;
    expected[1] = 0x02;
    expected[12] = 0x10;
    assertArrayEquals(expected, map);
    assertEquals(List.of(CpuSet.of(0, 9, 100)), LibvirtCpuMaps.rows(map, 16));
  }

  @Test
  void bitmapRefusesCpusBeyondTheMap() {
    assertThrows(IllegalArgumentException.class, () -> LibvirtCpuMaps.bitmap(CpuSet.of(16), 2));
  }
}
