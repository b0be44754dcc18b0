package io.vmpower.core.monitor;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.vm.Channel;
import java.nio.ByteBuffer;

/**
 * The monitor's state for one channel (monitor thread only). The attached endpoint's attachment is
 * this link, so an event leads to it without a lookup; a command finds it by its {@link Channel}
 * through {@link ChannelLinks}. Kept small: the read and reply buffers are the monitor's, shared by
 * all channels; a link holds only what must outlive one turn, the bytes of an incomplete request
 * and the replies its guest has not taken yet.
 */
final class ChannelLink {
  final Channel channel;

  /** The attached endpoint, or null while DISCONNECTED. */
  ChannelEndpoint endpoint;

  /** The start of a request whose rest has not arrived; null until a request arrives split. */
  byte[] partial;

  /** How many bytes of {@link #partial} are kept. */
  int partialLength;

  /**
   * Replies waiting for the guest to read, in write mode (position = bytes pending), at most the
   * configured output queue; null until the guest first left some unread.
   */
  ByteBuffer backlog;

  boolean watchingWritable;

  /** Whether {@link ReplyOutput} has this link's backlog to write at the end of the turn. */
  boolean backlogQueued;

  /** The rate limit of this channel's refusal log lines. */
  final RefusalLog refusals = new RefusalLog();

  /** Whether {@link RefusalSummaries} has this link in its list. */
  boolean summaryListed;

  /** Failed re-attach attempts since the last hang-up (the back-off's exponent). */
  int attempts;

  long nextAttemptNanos;

  /** Whether {@link Reattacher} has this link in its list. */
  boolean waiting;

  ChannelLink(Channel channel) {
    this.channel = channel;
  }

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

  @Override
  public String toString() {
    return channel.toString();
  }
}
