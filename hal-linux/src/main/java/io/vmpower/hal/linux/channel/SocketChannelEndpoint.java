package io.vmpower.hal.linux.channel;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host end of one channel: a connected, non-blocking JDK AF_UNIX {@link SocketChannel},
 * registered for reading with its transport's selector. Monitor thread only.
 */
final class SocketChannelEndpoint implements ChannelEndpoint {

  private static final Logger log = LoggerFactory.getLogger(SocketChannelEndpoint.class);

  private static final int READ = SelectionKey.OP_READ;
  private static final int READ_WRITE = SelectionKey.OP_READ | SelectionKey.OP_WRITE;

  private final Path path;
  private final SocketChannel channel;
  private final SelectionKey key;
  private final PeerCredentials peer;
  private Object attachment;

  SocketChannelEndpoint(Path path, SocketChannel channel, Selector selector, PeerCredentials peer)
      throws ClosedChannelException {
    this.path = path;
    this.channel = channel;
    this.peer = peer;
    this.key = channel.register(selector, READ);
    key.attach(this);
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public void attach(Object attachment) {
    this.attachment = attachment;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  /** Also -1 when the peer reset the connection (it closed with our output unread). */
  @Override
  public int read(ByteBuffer dst) throws IOException {
    try {
      return channel.read(dst);
    } catch (SocketException e) {
      // ECONNRESET surfaces as "Connection reset": the peer is gone all the same
      log.debug("reading {}: {}; treated as hang-up", path, e.getMessage());
      return -1;
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  /** Ignored once the endpoint is closed. */
  @Override
  public void watchWritable(boolean on) {
    if (!key.isValid()) {
      return;
    }
    int ops = on ? READ_WRITE : READ;
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  @Override
  public PeerCredentials peer() {
    return peer;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  /**
   * Cancels the registration and closes the channel; the JDK releases the descriptor, and the peer
   * sees end of stream, at the transport's next {@code await} (or its close).
   */
  @Override
  public void close() {
    key.cancel();
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", path, e.toString());
    }
  }

  @Override
  public String toString() {
    return "socket " + path;
  }
}
