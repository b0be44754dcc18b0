package io.vmpower.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Cuts one channel's byte stream into fixed-size packets: a packet split across reads is completed
 * by the next read; several packets in one read are all served. Allocation-free after construction.
 *
 * <p>Use: read into {@link #readBuffer()}, then serve packets {@code 0 .. completePackets()-1} at
 * {@link #offset(int)} of {@link #packets()}, then {@link #consume(int)} those served. Bytes of an
 * incomplete packet are kept for the next read.
 *
 * <p>One reassembler can serve many streams in turn (the monitor has one for all its channels, so a
 * channel costs no buffer of its own): {@link #restore} a stream's kept bytes before reading it,
 * and {@link #copyBuffered} them out after consuming its packets.
 */
public final class Reassembler {
  private final int packetSize;
  private final ByteBuffer buf;
  private final ByteBuffer view;

  /**
   * @param packetSize bytes per packet
   * @param capacityPackets at most this many packets are buffered (bounds one read, and so the work
   *     done for one channel per turn)
   */
  public Reassembler(int packetSize, int capacityPackets) {
    if (packetSize < 1 || capacityPackets < 1) {
      throw new IllegalArgumentException("packet size and capacity must be positive");
    }
    this.packetSize = packetSize;
    this.buf =
        ByteBuffer.allocateDirect(packetSize * capacityPackets).order(ByteOrder.LITTLE_ENDIAN);
    this.view = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  public int packetSize() {
    return packetSize;
  }

  /**
   * The buffer to read into: its position is after the bytes kept, its limit the capacity. Do not
   * flip it.
   */
  public ByteBuffer readBuffer() {
    return buf;
  }

  /** How many whole packets are buffered. */
  public int completePackets() {
    return buf.position() / packetSize;
  }

  /** Bytes buffered, including those of an incomplete packet. */
  public int bufferedBytes() {
    return buf.position();
  }

  /** The buffer holding the packets, little-endian; read it with absolute gets only. */
  public ByteBuffer packets() {
    return view;
  }

  /** Offset of packet {@code i} in {@link #packets()}. */
  public int offset(int i) {
    return i * packetSize;
  }

  /** Drops the first {@code n} packets, keeping the rest (and any partial packet) for later. */
  public void consume(int n) {
    int bytes = n * packetSize;
    int end = buf.position();
    if (n < 0 || bytes > end) {
      throw new IllegalArgumentException(
          "cannot consume " + n + " packets of " + completePackets());
    }
    if (bytes == 0) {
      return;
    }
    int rest = end - bytes;
    if (rest > 0) {
      // the kept bytes move towards the start: a forward bulk copy is safe even if they overlap
      buf.put(0, view, bytes, rest);
    }
    buf.position(rest);
  }

  /**
   * Empties the buffer, then puts back the first {@code length} bytes of {@code kept} (an
   * incomplete packet saved by {@link #copyBuffered}; {@code kept} may be null when {@code length}
   * is 0) so the next read completes it.
   */
  public void restore(byte[] kept, int length) {
    if (length < 0 || length >= packetSize) {
      throw new IllegalArgumentException(
          "cannot restore " + length + " bytes: an incomplete packet has 0 to " + (packetSize - 1));
    }
    buf.clear();
    if (length > 0) {
      buf.put(kept, 0, length);
    }
  }

  /**
   * Copies the buffered bytes (after {@link #consume}: those of an incomplete packet) to the start
   * of {@code to} and returns how many; the buffer itself is unchanged.
   */
  public int copyBuffered(byte[] to) {
    int n = buf.position();
    view.get(0, to, 0, n);
    return n;
  }

  /** Forgets everything buffered (after a hang-up: the stream starts anew). */
  public void reset() {
    buf.clear();
  }

  /** Whether the buffer is full, so that a read would take nothing. */
  public boolean isFull() {
    return !buf.hasRemaining();
  }
}
