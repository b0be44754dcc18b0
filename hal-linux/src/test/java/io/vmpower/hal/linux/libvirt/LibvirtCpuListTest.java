package io.vmpower.hal.linux.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LibvirtCpuListTest {

  @Test
  void readsNumbersAndRanges() {
    assertEquals(CpuSet.of(2), LibvirtCpuList.parse("2"));
    assertEquals(CpuSet.of(0, 1, 3, 7, 8, 9), LibvirtCpuList.parse("0-1,3,7-9"));
    assertEquals(CpuSet.of(100, 127), LibvirtCpuList.parse(" 100 , 127 "));
  }

  @Test
  void appliesExclusionsWhereverTheyStand() {
    assertEquals(CpuSet.of(0, 1, 3), LibvirtCpuList.parse("0-3,^2"));
    assertEquals(CpuSet.of(0, 1, 3), LibvirtCpuList.parse("^2,0-3"));
    assertEquals(CpuSet.of(5, 7), LibvirtCpuList.parse("5-7,^6,^9"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "3-1", "^", "1,,2", "-1", "1-", "^1-3", "0x3", "99999999999"})
  void rejectsBadPartsNamingThem(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LibvirtCpuList.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("like 0-3,^2,8"), e.getMessage());
  }

  @Test
  void rejectsEmptyAndEverythingExcluded() {
    assertThrows(IllegalArgumentException.class, () -> LibvirtCpuList.parse(""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LibvirtCpuList.parse("2,^2"));
    assertEquals("libvirt cpuset '2,^2' names no CPU", e.getMessage());
  }
}
