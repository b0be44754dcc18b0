package io.vmpower.guest;

import io.vmpower.core.cpu.CpuSet;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/** Names of the guest's virtio-serial power ports: {@code PREFIX.N} is the port of lcore N. */
public final class KvmPorts {
  private KvmPorts() {}

  /** The port of {@code lcore}. */
  public static Path path(Path prefix, int lcore) {
    return prefix.resolveSibling(prefix.getFileName() + "." + lcore);
  }

  /**
   * The lcores that have a port {@code PREFIX.N} (links followed); empty when the folder is not.
   */
  public static CpuSet list(Path prefix) {
    Path folder = prefix.getParent();
    String stem = prefix.getFileName() + ".";
    BitSet found = new BitSet();
    if (folder == null || !Files.isDirectory(folder)) {
      return CpuSet.empty();
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, stem + "*")) {
      for (Path p : entries) {
        String suffix = p.getFileName().toString().substring(stem.length());
        if (isLcoreNumber(suffix) && Files.exists(p)) {
          found.set(Integer.parseInt(suffix));
        }
      }
    } catch (IOException e) {
      return CpuSet.empty();
    }
    return CpuSet.fromBitSet(found);
  }

  private static boolean isLcoreNumber(String s) {
    return !s.isEmpty()
        && s.length() <= 7
        && s.chars().allMatch(c -> c >= '0' && c <= '9')
        && (s.length() == 1 || s.charAt(0) != '0')
        && Integer.parseInt(s) <= CpuSet.MAX_CPU;
  }
}
