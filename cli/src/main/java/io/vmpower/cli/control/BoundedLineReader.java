package io.vmpower.cli.control;

import io.vmpower.core.hal.ControlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a control client's request lines, each at most {@code maxBytes} long (the newline and a
 * {@code \r} before it excluded), and each within {@code timeoutMillis} of when it is asked for. A
 * longer line fails as soon as its first byte past the bound is seen, without reading the rest.
 */
final class BoundedLineReader {
  /** A line went past the bound. */
  static final class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    LineTooLongException(int max) {
      super("request line longer than " + max + " bytes");
    }
  }

  private final ControlConnection connection;
  private final InputStream in;
  private final int maxBytes;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];

  BoundedLineReader(ControlConnection connection, int maxBytes) throws IOException {
    this.connection = connection;
    this.in = connection.input();
    this.maxBytes = maxBytes;
  }

  /**
   * The next line, or null at the end of the stream (a last line without a newline is dropped: a
   * request is complete only with its newline). Fails with {@link SocketTimeoutException} when it
   * does not come within {@code timeoutMillis}, and {@link LineTooLongException}.
   */
  String readLine(long timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    int length = 0;
    while (true) {
      while (pos < limit) {
        byte b = buf[pos++];
        if (b == '\n') {
          int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
          return new String(line, 0, end, StandardCharsets.UTF_8);
        }
        // one byte past the bound is kept only when it may be the \r of a \r\n
        if (length == maxBytes + 1 || (length == maxBytes && b != '\r')) {
          throw new LineTooLongException(maxBytes);
        }
        if (length == line.length) {
          line = Arrays.copyOf(line, Math.min(maxBytes + 1, line.length * 2));
        }
        line[length++] = b;
      }
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw new SocketTimeoutException("no complete request in " + timeoutMillis + " ms");
      }
      connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, left));
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        return null;
      }
      pos = 0;
      limit = n;
    }
  }
}
