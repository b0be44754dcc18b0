package io.vmpower.core.hal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One control client's connection (or, from {@link ControlSocket#connect}, the client's end).
 * Blocking streams; one thread reads and one writes at a time; {@link #close} from any thread makes
 * a blocked read or write fail at once.
 */
public interface ControlConnection extends AutoCloseable {

  /** Who is at the other end, as the kernel (or the simulator) reported it at connect. */
  ControlPeer peer();

  InputStream input() throws IOException;

  OutputStream output() throws IOException;

  /**
   * Makes a read that waits longer than {@code millis} fail with {@link
   * java.net.SocketTimeoutException}; 0 waits forever.
   */
  void setReadTimeout(int millis) throws IOException;

  boolean isOpen();

  /** Closes both directions. Idempotent. */
  @Override
  void close();
}
