package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.hal.FrequencyTable;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table index one CPU's hardware is at now: the first of its files that holds a positive kHz
 * number, mapped to the nearest table entry. A file holding no number (such as {@code
 * <unsupported>}) passes to the next; when none holds one, the last known index stays. When a file
 * cannot be read the last known index is returned (0 before anything was read) and a warning is
 * logged, once until reads work again. Allocates nothing unless a read fails. Not thread-safe: its
 * backend calls it under its own lock.
 *
 * <p>When its backend {@linkplain #trustWrites trusts its writes}, the index it last wrote is
 * returned without a read until the backend {@linkplain #forget() forgets} it (a write failed, or
 * the settings were restored): the request path then costs one system call per change (the write)
 * instead of two, as in the DPDK reference, which never reads back. A value changed from outside is
 * then seen by the drift check ({@code verify}, {@code --drift-interval}), not by the next request.
 */
final class SysfsCurrentIndex {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsCurrentIndex.class);

  private final int cpu;
  private final FrequencyTable table;
  private final SysfsFile[] files;
  private int last;
  private boolean readFailing;

  /** Whether a write makes {@link #last} known without a read (see the class comment). */
  private boolean trustWrites;

  /** Whether {@link #last} is what this CPU's backend wrote and still trusts. */
  private boolean known;

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
    if (known) {
      return last;
    }
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

  /**
   * A write set the hardware to {@code index}: the last known index without a read, and, when
   * writes are trusted, what {@link #read()} returns until {@link #forget()}.
   */
  void written(int index) {
    last = index;
    known = trustWrites;
  }

  /** The next {@link #read()} reads the files again (a write failed, or the host was restored). */
  void forget() {
    known = false;
  }

  /**
   * Whether a write is trusted to hold until this CPU's backend writes again. Off for a CPU that
   * shares its cpufreq policy (and so its files) with other CPUs: their writes change its files.
   */
  void trustWrites(boolean trust) {
    trustWrites = trust;
    if (!trust) {
      known = false;
    }
  }
}
