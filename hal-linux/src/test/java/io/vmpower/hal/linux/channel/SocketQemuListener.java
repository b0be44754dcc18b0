package io.vmpower.hal.linux.channel;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Plays QEMU's side of a channel: binds and listens on {@code path}, accepts the host, writes the
 * guest's requests and reads the host's replies. Blocking I/O on the accepted side.
 */
final class SocketQemuListener implements AutoCloseable {

  private final Path path;
  private final ServerSocketChannel server;
  private SocketChannel guest;

  SocketQemuListener(Path path) throws IOException {
    this.path = path;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
  }

  Path path() {
    return path;
  }

  /** Accepts the host's connection, which must already be made. */
  SocketQemuListener accept() throws IOException {
    server.configureBlocking(false);
    guest = server.accept();
    if (guest == null) {
      throw new IllegalStateException("no host connection pending at " + path);
    }
    guest.configureBlocking(true);
    return this;
  }

  void write(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      guest.write(buffer);
    }
  }

  byte[] readExactly(int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count);
    while (buffer.hasRemaining()) {
      if (guest.read(buffer) < 0) {
        throw new IOException("end of stream after " + buffer.position() + " of " + count);
      }
    }
    return buffer.array();
  }

  /** Reads up to {@code max} bytes of what the host sent, blocking until some arrive. */
  int drain(int max) throws IOException {
    return guest.read(ByteBuffer.allocate(max));
  }

  /**
   * True when the host closed its end: end of stream, or a reset when the host left bytes that this
   * side wrote unread.
   */
  boolean hostClosed() throws IOException {
    try {
      return guest.read(ByteBuffer.allocate(1)) < 0;
    } catch (SocketException e) {
      return true;
    }
  }

  SocketChannel guest() {
    return guest;
  }

  /** Closes the accepted connection only: the host sees a hang-up; the listener stays. */
  void hangUp() throws IOException {
    guest.close();
  }

  /** Closes everything; the socket file stays, as when QEMU dies. */
  @Override
  public void close() throws IOException {
    if (guest != null) {
      guest.close();
    }
    server.close();
  }
}
