package io.vmpower.core.monitor;

import java.nio.ByteBuffer;

/**
 * The monitor's state for one channel (monitor thread only). Kept small: the read and reply buffers
 * are the monitor's, shared by all channels; a channel holds only what must outlive one turn, the
 * bytes of an incomplete request and the replies its guest has not taken yet.
 */
final class ChannelIo {
  /** The start of a request whose rest has not arrived; null until a request arrives split. */
  byte[] partial;

  /** How many bytes of {@link #partial} are kept. */
  int partialLength;

  /**
   * Replies waiting for the guest to read, in write mode (position = bytes pending), at most the
   * configured output queue; null until the guest first left some unread.
   */
  ByteBuffer backlog;

  /** The rate limit of this channel's refusal log lines. */
  final RefusalLog refusals = new RefusalLog();

  boolean watchingWritable;
  int attempts;
  long nextAttemptNanos;
  boolean waiting;

  boolean hasBacklog() {
    return backlog != null && backlog.position() > 0;
  }

  /** Forgets buffered input and output (after a hang-up or before an attach). */
  void reset() {
    partialLength = 0;
    if (backlog != null) {
      backlog.clear();
    }
    watchingWritable = false;
  }
}
