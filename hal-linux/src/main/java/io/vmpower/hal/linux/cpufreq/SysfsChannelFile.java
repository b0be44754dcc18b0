package io.vmpower.hal.linux.cpufreq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sysfs file kept open: numbers are read and written with positional I/O at offset 0 through a
 * reused direct buffer, so the request path neither allocates nor opens files.
 *
 * <p>On sysfs every {@code write(2)} is one whole store and the offset is ignored, and a read at
 * offset 0 regenerates the value. A tree of ordinary files (the tests' fake sysfs) needs one more
 * step: the file is truncated to the written length so it reads back as exactly the value. Which of
 * the two applies is decided once by the caller ({@code truncateAfterWrite}); truncation is never
 * attempted on sysfs. Truncating costs three system calls (the JDK's fstat, lseek, ftruncate), so
 * it is skipped when the file, as last read or written through this instance, is no longer than the
 * new value (then the write alone leaves exactly the value): on the request path the value was just
 * read to find the current frequency.
 */
final class SysfsChannelFile implements SysfsFile {
  /** Longest number or short value handled through the buffer; sysfs numbers are far shorter. */
  private static final int CAPACITY = 64;

  private final Path path;
  private final boolean truncateAfterWrite;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(CAPACITY);
  private FileChannel reader;
  private FileChannel writer;

  /** The file's length as last read or written here; -1 when unknown (longer than read). */
  private int knownLength = -1;

  SysfsChannelFile(Path path, boolean truncateAfterWrite) {
    this.path = path;
    this.truncateAfterWrite = truncateAfterWrite;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public synchronized String read() throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    knownLength = bytes.length;
    return new String(bytes, StandardCharsets.US_ASCII).strip();
  }

  @Override
  public synchronized long readNumber() throws IOException {
    if (reader == null) {
      reader = FileChannel.open(path, StandardOpenOption.READ);
    }
    buffer.clear();
    int n = reader.read(buffer, 0);
    knownLength = n < 0 ? 0 : n < CAPACITY ? n : -1;
    if (n <= 0 || n == CAPACITY) {
      return -1;
    }
    return parseNumber(buffer, n);
  }

  /** The decimal number in the first {@code n} bytes, white space around it allowed; else -1. */
  static long parseNumber(ByteBuffer buf, int n) {
    int i = 0;
    while (i < n && isSpace(buf.get(i))) {
      i++;
    }
    int start = i;
    long value = 0;
    while (i < n && buf.get(i) >= '0' && buf.get(i) <= '9') {
      if (i - start >= 18) {
        return -1;
      }
      value = value * 10 + (buf.get(i) - '0');
      i++;
    }
    if (i == start) {
      return -1;
    }
    while (i < n && isSpace(buf.get(i))) {
      i++;
    }
    return i == n ? value : -1;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\t' || b == '\r';
  }

  @Override
  public synchronized void write(long value) throws IOException {
    if (value < 0) {
      throw new IllegalArgumentException(
          "cannot write " + value + " to " + path + ": only non-negative numbers are accepted");
    }
    buffer.clear();
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    for (int i = digits - 1; i >= 0; i--) {
      buffer.put(i, (byte) ('0' + (value % 10)));
      value /= 10;
    }
    buffer.put(digits, (byte) '\n');
    buffer.limit(digits + 1);
    writeFully(buffer);
  }

  @Override
  public synchronized void write(String value) throws IOException {
    byte[] text = (value + "\n").getBytes(StandardCharsets.US_ASCII);
    writeFully(ByteBuffer.wrap(text));
  }

  private void writeFully(ByteBuffer src) throws IOException {
    if (writer == null) {
      writer = FileChannel.open(path, StandardOpenOption.WRITE);
    }
    int length = src.remaining();
    long position = 0;
    while (src.hasRemaining()) {
      position += writer.write(src, position);
    }
    if (truncateAfterWrite && (knownLength < 0 || knownLength > length)) {
      writer.truncate(length);
    }
    knownLength = truncateAfterWrite ? length : -1;
  }

  @Override
  public synchronized void close() {
    closeQuietly(reader);
    closeQuietly(writer);
    reader = null;
    writer = null;
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a sysfs descriptor cannot lose data: nothing to report
      }
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
