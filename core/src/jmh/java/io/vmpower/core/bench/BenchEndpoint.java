package io.vmpower.core.bench;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.PeerCredentials;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A guest in memory that always has requests ready: each read delivers the next {@code perRead}
 * requests of a cycle of 16 (down and up on each vCPU), each write is taken whole and counted.
 * Allocation-free.
 */
final class BenchEndpoint implements ChannelEndpoint {
  private final Path path;
  private final ByteBuffer requests;
  private final int packetSize;
  private final int cycle;
  private int perRead = 1;
  private int next;
  private long written;
  private Object attachment;

  BenchEndpoint(Path path, ByteBuffer requests) {
    this.path = path;
    this.requests = requests;
    this.cycle = 16;
    this.packetSize = requests.capacity() / cycle;
  }

  void packetsPerRead(int n) {
    perRead = n;
  }

  long bytesWritten() {
    return written;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public void attach(Object a) {
    attachment = a;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  @Override
  public int read(ByteBuffer dst) {
    int n = Math.min(perRead, dst.remaining() / packetSize);
    int at = dst.position();
    for (int i = 0; i < n; i++) {
      dst.put(at, requests, next * packetSize, packetSize);
      at += packetSize;
      next = (next + 1) % cycle;
    }
    dst.position(at);
    return n * packetSize;
  }

  @Override
  public int write(ByteBuffer src) {
    int n = src.remaining();
    src.position(src.limit());
    written += n;
    return n;
  }

  @Override
  public void watchWritable(boolean on) {}

  @Override
  public PeerCredentials peer() {
    return PeerCredentials.UNKNOWN;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
