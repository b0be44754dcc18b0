package io.vmpower.core.monitor;

import io.vmpower.core.wire.Reassembler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The monitor's buffers and re-attach schedule for one channel (monitor thread only). */
final class ChannelIo {
  final Reassembler in;

  /** Replies waiting to be written, in write mode (position = bytes pending). */
  final ByteBuffer out;

  /** The rate limit of this channel's refusal log lines. */
  final RefusalLog refusals = new RefusalLog();

  boolean watchingWritable;
  int attempts;
  long nextAttemptNanos;
  boolean waiting;

  ChannelIo(int packetSize, int packetsPerTurn, int outputBytes) {
    this.in = new Reassembler(packetSize, packetsPerTurn);
    this.out = ByteBuffer.allocateDirect(outputBytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
