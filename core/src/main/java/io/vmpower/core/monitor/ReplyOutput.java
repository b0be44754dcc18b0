package io.vmpower.core.monitor;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Where a turn's replies go and how they reach the guest without blocking. One reply buffer serves
 * every channel in turn (in a deferred turn, every channel served in it, written at its end); what
 * a guest does not take at once waits in its link's backlog (at most {@link
 * HostConfig#outputQueueBytes()}, made when first needed), and the endpoint is watched for room
 * until the backlog is empty. A failed write hangs the channel up. Monitor thread only;
 * allocation-free once a channel has its backlog.
 */
final class ReplyOutput {
  /** Replies of the channels served in one turn, before the turn's writes are made. */
  private static final int TURN_BUFFER_BYTES = 256 * 1024;

  private final int queueBytes;
  private final ChannelLinks links;

  /** The most one channel's turn may reply: the output queue, or the requests of a turn. */
  private final int perChannel;

  /**
   * The shared reply buffer. Outside a deferred turn it holds one channel's replies at a time,
   * written at once; in a deferred turn ({@link #beginTurn}) each served channel's replies follow
   * the previous channel's, as a segment written by {@link #endTurn}. Either way a channel's
   * replies are limited to {@link #perChannel}, so they are dropped or kept exactly as if each
   * channel had a queue of its own.
   */
  private final ByteBuffer turn;

  private boolean deferring;
  private int segmentStart;
  private ChannelLink[] segmentLinks = new ChannelLink[64];
  private int[] segmentStarts = new int[64];
  private int[] segmentEnds = new int[64];
  private int segments;
  private ChannelLink[] backlogLinks = new ChannelLink[16];
  private int backlogs;

  ReplyOutput(HostConfig config, ChannelLinks links) {
    this.queueBytes = config.outputQueueBytes();
    this.links = links;
    int turnBytes = config.packetsPerTurn() * Wire.REQUEST_SIZE;
    this.perChannel = Math.min(turnBytes, queueBytes);
    this.turn =
        ByteBuffer.allocateDirect(Math.max(perChannel, TURN_BUFFER_BYTES))
            .order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * From now until {@link #endTurn}, replies are kept and written at the end of the turn (after the
   * frequency writes they depend on), including backlogs the guest made room for.
   */
  void beginTurn() {
    deferring = true;
    turn.clear();
    segments = 0;
  }

  /** Whether the turn's buffer has no room for one more channel's replies. */
  boolean turnFull() {
    return deferring && turn.capacity() - turn.position() < perChannel;
  }

  /**
   * The buffer for this turn's replies of {@code link}: while older replies wait for the guest, new
   * ones queue behind them in its backlog; else the shared turn buffer, limited to one channel's
   * replies.
   */
  ByteBuffer buffer(ChannelLink link) {
    if (link.hasBacklog()) {
      return link.backlog;
    }
    if (!deferring) {
      return turn.clear().limit(perChannel);
    }
    segmentStart = turn.position();
    return turn.limit(segmentStart + perChannel);
  }

  /** Writes the replies put in {@code out}, which {@link #buffer} returned for {@code link}. */
  void write(ChannelLink link, ByteBuffer out) {
    if (out == turn) {
      if (!deferring) {
        turn.flip();
        writeTurn(link, turn);
      } else {
        addSegment(link, segmentStart, turn.position());
        turn.limit(turn.capacity());
      }
    } else {
      writeBacklog(link);
    }
  }

  private void addSegment(ChannelLink link, int start, int end) {
    if (end == start) {
      return;
    }
    if (segments == segmentLinks.length) {
      int n = segments * 2;
      segmentLinks = Arrays.copyOf(segmentLinks, n);
      segmentStarts = Arrays.copyOf(segmentStarts, n);
      segmentEnds = Arrays.copyOf(segmentEnds, n);
    }
    segmentLinks[segments] = link;
    segmentStarts[segments] = start;
    segmentEnds[segments] = end;
    segments++;
  }

  /** Writes every reply kept in the turn, in the order served, then the backlogs queued. */
  void endTurn() {
    deferring = false;
    for (int i = 0; i < segments; i++) {
      ChannelLink link = segmentLinks[i];
      segmentLinks[i] = null;
      turn.limit(segmentEnds[i]).position(segmentStarts[i]);
      if (link.hasBacklog()) {
        // an earlier segment of this channel in the turn left replies unread: queue behind them
        int room = Math.min(turn.remaining(), link.backlog.remaining());
        link.backlog.put(link.backlog.position(), turn, turn.position(), room);
        link.backlog.position(link.backlog.position() + room);
        writeBacklog(link);
      } else {
        writeTurn(link, turn);
      }
    }
    segments = 0;
    turn.clear();
    for (int i = 0; i < backlogs; i++) {
      ChannelLink link = backlogLinks[i];
      backlogLinks[i] = null;
      link.backlogQueued = false;
      writeBacklog(link);
    }
    backlogs = 0;
  }

  /**
   * Writes {@code replies} (one channel's); what the guest does not take now goes to its backlog.
   */
  private void writeTurn(ChannelLink link, ByteBuffer replies) {
    ChannelEndpoint ep = link.endpoint;
    if (!replies.hasRemaining() || ep == null) {
      return;
    }
    try {
      ep.write(replies);
    } catch (IOException e) {
      links.hangUp(link, e.getMessage());
      return;
    }
    if (!replies.hasRemaining()) {
      return;
    }
    if (link.backlog == null) {
      link.backlog = ByteBuffer.allocateDirect(queueBytes).order(ByteOrder.LITTLE_ENDIAN);
    }
    // fits: the turn's replies were limited to the output queue, and the backlog was empty
    link.backlog.put(replies);
    ep.watchWritable(true);
    link.watchingWritable = true;
  }

  /**
   * Writes what waits in the backlog; stops watching for room once it is empty. In a deferred turn
   * the write waits for the end of the turn (the backlog may hold replies of this turn).
   */
  void writeBacklog(ChannelLink link) {
    if (deferring) {
      if (!link.backlogQueued) {
        if (backlogs == backlogLinks.length) {
          backlogLinks = Arrays.copyOf(backlogLinks, backlogs * 2);
        }
        backlogLinks[backlogs++] = link;
        link.backlogQueued = true;
      }
      return;
    }
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
