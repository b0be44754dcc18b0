package io.vmpower.guest;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A port emulated by an AF_UNIX stream socket (the simulated demo, tests). */
final class SocketKvmPort implements KvmPort {
  private final Path path;
  private final SocketChannel channel;

  private SocketKvmPort(Path path, SocketChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  static SocketKvmPort connect(Path path) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new SocketKvmPort(path, ch);
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public boolean endOfFileIsFinal() {
    return true;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public void write(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (channel.write(src) < 0) {
        throw new EOFException("socket " + path + " closed");
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a socket only fails when it is already unusable
    }
  }

  @Override
  public String toString() {
    return "socket " + path;
  }
}
