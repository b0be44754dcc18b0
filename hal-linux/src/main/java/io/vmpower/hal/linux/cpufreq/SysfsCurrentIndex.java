package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyTable;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table index one CPU's hardware is at now, re-read from sysfs on every call: the first of its
 * files that holds a positive kHz number, mapped to the nearest table entry. A file holding no
 * number (such as {@code <unsupported>}) passes to the next; when none holds one, the last known
 * index stays. When a file cannot be read the last known index is returned (0 before anything was
 * read) and a warning is logged, once until reads work again. Allocates nothing unless a read
 * fails. Not thread-safe: its backend calls it under its own lock.
 */
final class SysfsCurrentIndex {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsCurrentIndex.class);

  private final int cpu;
  private final FrequencyTable table;
  private final SysfsFile[] files;
  private int last;
  private boolean readFailing;

  /** {@code files}: where the kHz is read, in order of preference. */
  SysfsCurrentIndex(int cpu, FrequencyTable table, SysfsFile... files) {
    if (files.length == 0) {
      throw new IllegalArgumentException("CPU " + cpu + ": no file to read the frequency from");
    }
    this.cpu = cpu;
    this.table = table;
    this.files = files.clone();
  }

  int read() {
    SysfsFile file = files[0];
    try {
      for (SysfsFile f : files) {
        file = f;
        long khz = f.readNumber();
        if (khz > 0) {
          last = table.nearestIndex(khz);
          break;
        }
      }
      readFailing = false;
    } catch (IOException e) {
      if (!readFailing) {
        readFailing = true;
        LOG.warn(
            "CPU {}: cannot read {} ({}): keeping index {}",
            cpu,
            file.path(),
            SysfsErrors.reason(e),
            last);
      }
    }
    return last;
  }

  /** A write set the hardware to {@code index}: the last known index without a read. */
  void written(int index) {
    last = index;
  }
}
