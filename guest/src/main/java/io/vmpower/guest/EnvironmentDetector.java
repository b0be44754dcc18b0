package io.vmpower.guest;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides where the library runs, as DPDK does: on a host when the lcore's CPU has a usable cpufreq
 * folder ({@code SYSFS/devices/system/cpu/cpuN/cpufreq} with a {@code scaling_driver}), else in a
 * VM when a port {@code PREFIX.N} exists.
 */
final class EnvironmentDetector {
  private final Path sysfsRoot;
  private final Path portPrefix;

  EnvironmentDetector(Path sysfsRoot, Path portPrefix) {
    this.sysfsRoot = sysfsRoot;
    this.portPrefix = portPrefix;
  }

  /** HOST or VM for {@code lcore}, or an exception naming both places looked at. */
  Environment detect(int lcore) throws PowerLibraryException {
    if (hostUsable(lcore)) {
      return Environment.HOST;
    }
    if (!KvmPorts.list(portPrefix).isEmpty()) {
      return Environment.VM;
    }
    throw new PowerLibraryException(
        "cannot tell whether lcore "
            + lcore
            + " runs on a host or in a VM: no cpufreq at "
            + cpufreqFolder(lcore)
            + " (with scaling_driver) and no port "
            + portPrefix
            + ".N; choose the environment explicitly (host or vm) or fix the paths");
  }

  /** Whether {@code lcore}'s CPU has a cpufreq folder with a readable scaling_driver. */
  boolean hostUsable(int lcore) {
    Path folder = cpufreqFolder(lcore);
    return Files.isDirectory(folder) && Files.isReadable(folder.resolve("scaling_driver"));
  }

  Path cpufreqFolder(int lcore) {
    return sysfsRoot.resolve("devices/system/cpu/cpu" + lcore + "/cpufreq");
  }
}
