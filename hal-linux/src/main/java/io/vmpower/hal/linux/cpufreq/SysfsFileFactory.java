package io.vmpower.hal.linux.cpufreq;

import java.nio.file.Path;

/** Opens a {@link SysfsFile}; tests pass their own to record writes or inject failures. */
@FunctionalInterface
interface SysfsFileFactory {
  SysfsFile open(Path path);
}
