package io.vmpower.core.hal;

import java.nio.file.Path;

/** Receives the events of {@link ChannelTransport#await}, on the monitor thread. */
public interface ChannelEventHandler {

  /** Bytes can be read (or end-of-file can be seen) on the endpoint. */
  void onReadable(ChannelEndpoint endpoint);

  /** The endpoint can take more output. Only sent while {@code watchWritable(true)}. */
  void onWritable(ChannelEndpoint endpoint);

  /** The peer hung up or the socket failed, seen without a read. */
  void onHangUp(ChannelEndpoint endpoint);

  /**
   * The transport noticed that the socket at {@code path} can be connected to again (e.g. QEMU
   * started again). A hint only: the monitor also retries with back-off.
   */
  default void onAttachable(Path path) {}
}
