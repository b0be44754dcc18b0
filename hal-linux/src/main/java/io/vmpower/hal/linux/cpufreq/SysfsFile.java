package io.vmpower.hal.linux.cpufreq;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One sysfs attribute file: the single seam through which the cpufreq backends read and change the
 * host, so tests can record, reorder-check or fail the writes.
 */
interface SysfsFile extends Closeable {

  Path path();

  /** The whole content without leading or trailing white space. */
  String read() throws IOException;

  /**
   * The content as a non-negative decimal number, or -1 when it is not one (for example {@code
   * <unsupported>}). Must not allocate: it is on the request path.
   */
  long readNumber() throws IOException;

  /** Writes {@code value} in decimal followed by a newline. Must not allocate. */
  void write(long value) throws IOException;

  /** Writes {@code value} followed by a newline. */
  void write(String value) throws IOException;

  /** Releases any open descriptor; never throws. */
  @Override
  void close();
}
