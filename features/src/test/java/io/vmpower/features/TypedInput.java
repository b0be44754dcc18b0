package io.vmpower.features;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Standard input that a test types into from any thread (unlike a PipedInputStream, whose reader
 * fails once the thread that wrote last has ended). {@link #close()} is end of input.
 */
final class TypedInput extends InputStream {
  private static final byte[] EOF = new byte[0];
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int pos;
  private boolean ended;

  void type(byte[] bytes) {
    if (bytes.length > 0) {
      chunks.add(bytes.clone());
    }
  }

  @Override
  public void close() {
    chunks.add(EOF);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    while (pos == current.length) {
      if (ended) {
        return -1;
      }
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
      pos = 0;
      if (current == EOF) {
        ended = true;
        return -1;
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }
}
