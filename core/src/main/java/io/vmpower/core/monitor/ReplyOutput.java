package io.vmpower.core.monitor;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where a turn's replies go and how they reach the guest without blocking. One reply buffer serves
 * every channel in turn; what a guest does not take at once waits in its link's backlog (at most
 * {@link HostConfig#outputQueueBytes()}, made when first needed), and the endpoint is watched for
 * room until the backlog is empty. A failed write hangs the channel up. Monitor thread only;
 * allocation-free once a channel has its backlog.
 */
final class ReplyOutput {
  private final int queueBytes;
  private final ChannelLinks links;

  /**
   * Replies of one channel's turn before they are written; its limit is the output queue, so a
   * turn's replies are dropped or kept exactly as if each channel had a queue of its own.
   */
  private final ByteBuffer turn;

  ReplyOutput(HostConfig config, ChannelLinks links) {
    this.queueBytes = config.outputQueueBytes();
    this.links = links;
    int turnBytes = config.packetsPerTurn() * Wire.REQUEST_SIZE;
    this.turn =
        ByteBuffer.allocateDirect(Math.min(turnBytes, queueBytes)).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The buffer for this turn's replies of {@code link}: while older replies wait for the guest, new
   * ones queue behind them in its backlog; else the shared turn buffer, cleared.
   */
  ByteBuffer buffer(ChannelLink link) {
    return link.hasBacklog() ? link.backlog : turn.clear();
  }

  /** Writes the replies put in {@code out}, which {@link #buffer} returned for {@code link}. */
  void write(ChannelLink link, ByteBuffer out) {
    if (out == turn) {
      writeTurn(link);
    } else {
      writeBacklog(link);
    }
  }

  /** Writes this turn's replies; what the guest does not take now goes to its backlog. */
  private void writeTurn(ChannelLink link) {
    ChannelEndpoint ep = link.endpoint;
    if (turn.position() == 0 || ep == null) {
      return;
    }
    turn.flip();
    try {
      ep.write(turn);
    } catch (IOException e) {
      links.hangUp(link, e.getMessage());
      return;
    }
    if (!turn.hasRemaining()) {
      return;
    }
    if (link.backlog == null) {
      link.backlog = ByteBuffer.allocateDirect(queueBytes).order(ByteOrder.LITTLE_ENDIAN);
    }
    // fits: the turn's replies were limited to the output queue, and the backlog was empty
    link.backlog.put(turn);
    ep.watchWritable(true);
    link.watchingWritable = true;
  }

  /** Writes what waits in the backlog; stops watching for room once it is empty. */
  void writeBacklog(ChannelLink link) {
    ChannelEndpoint ep = link.endpoint;
    if (ep == null || link.backlog == null) {
      return;
    }
    ByteBuffer out = link.backlog;
    if (out.position() > 0) {
      out.flip();
      try {
        ep.write(out);
      } catch (IOException e) {
        out.compact();
        links.hangUp(link, e.getMessage());
        return;
      }
      out.compact();
    }
    boolean pending = out.position() > 0;
    if (pending != link.watchingWritable) {
      ep.watchWritable(pending);
      link.watchingWritable = pending;
    }
  }
}
