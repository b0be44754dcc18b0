package io.vmpower.core.hal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * How the host reaches the host ends of VM channels (AF_UNIX sockets that QEMU binds, or simulated
 * pipes). One thread, the monitor's, calls {@link #open} and {@link #await}; {@link #wakeup} may be
 * called from any thread.
 */
public interface ChannelTransport extends AutoCloseable {

  /** For reports: backend and mechanism, e.g. {@code AF_UNIX sockets, JDK selector (epoll)}. */
  String description();

  /**
   * Connects to the host end of a channel. Fails with an IOException whose message says why (no
   * such socket, connection refused, not a socket) when nothing can be attached now.
   */
  ChannelEndpoint open(Path path) throws IOException;

  /**
   * Waits until some endpoint has an event, at most {@code timeoutMillis} (0: do not wait;
   * negative: until an event or a {@link #wakeup}), and delivers the events to {@code handler} on
   * the calling thread. Must not busy-wait and must not allocate per event at steady state.
   */
  void await(long timeoutMillis, ChannelEventHandler handler) throws IOException;

  /**
   * The entries of the channel folder {@code dir} that may be channel sockets, for {@code
   * add_channels VM all}. By default the folder's entries; a simulated transport lists its
   * channels.
   */
  default List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  /** Makes a running or the next {@link #await} return promptly. Any thread. */
  void wakeup();

  /** Closes every endpoint and the transport. */
  @Override
  void close();
}
