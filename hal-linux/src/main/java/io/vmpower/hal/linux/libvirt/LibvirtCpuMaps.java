package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.cpu.CpuSet;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * libvirt's CPU bitmaps: bit {@code j % 8} of byte {@code j / 8} stands for physical CPU {@code j}.
 * libvirt-java hands the bytes out signed, one per {@code int}, and takes them back the same way.
 */
final class LibvirtCpuMaps {
  private LibvirtCpuMaps() {}

  /** Bytes in the bitmap of a host with {@code cpus} CPUs (libvirt's VIR_CPU_MAPLEN). */
  static int mapLength(int cpus) {
    if (cpus <= 0) {
      throw new IllegalArgumentException("a host has at least one CPU, not " + cpus);
    }
    return (cpus + 7) / 8;
  }

  /** Splits {@code Domain.getVcpusCpuMaps()} into one set per vCPU, in vCPU order. */
  static List<CpuSet> rows(int[] maps, int mapLength) {
    if (mapLength <= 0 || maps.length % mapLength != 0) {
      throw new IllegalArgumentException(
          "libvirt returned " + maps.length + " bitmap bytes, not a multiple of " + mapLength);
    }
    List<CpuSet> rows = new ArrayList<>(maps.length / mapLength);
    for (int offset = 0; offset < maps.length; offset += mapLength) {
      BitSet bits = new BitSet(mapLength * 8);
      for (int i = 0; i < mapLength; i++) {
        int octet = maps[offset + i] & 0xFF;
        for (int bit = 0; bit < 8; bit++) {
          if ((octet & (1 << bit)) != 0) {
            bits.set(i * 8 + bit);
          }
        }
      }
      rows.add(CpuSet.fromBitSet(bits));
    }
    return rows;
  }

  /** The bitmap {@code Domain.pinVcpu} takes for {@code cpus}. */
  static int[] bitmap(CpuSet cpus, int mapLength) {
    if (cpus.last() >= mapLength * 8) {
      throw new IllegalArgumentException(
          "CPU " + cpus.last() + " does not fit a bitmap of " + mapLength + " bytes");
    }
    int[] map = new int[mapLength];
    cpus.forEach(cpu -> map[cpu / 8] |= 1 << (cpu % 8));
    return map;
  }
}
