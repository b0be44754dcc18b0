package io.vmpower.core.hal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The host end of one VM channel, opened by {@link ChannelTransport#open}. Used only on the monitor
 * thread. Reads and writes never block.
 */
public interface ChannelEndpoint {

  Path path();

  /** Whatever the monitor wants to find again from an event (its state for the channel). */
  void attach(Object attachment);

  Object attachment();

  /**
   * Reads what is available into {@code dst}: the count read, 0 when nothing is available, -1 when
   * the peer has hung up.
   */
  int read(ByteBuffer dst) throws IOException;

  /** Writes what the peer can take now from {@code src}; may write less, or nothing. */
  int write(ByteBuffer src) throws IOException;

  /** Asks for {@link ChannelEventHandler#onWritable} events (when output is pending) or stops. */
  void watchWritable(boolean on);

  /** The peer's credentials as seen when the endpoint was opened. */
  PeerCredentials peer();

  boolean isOpen();

  /** Closes this end; no more events are delivered for it. Idempotent. */
  void close();
}
