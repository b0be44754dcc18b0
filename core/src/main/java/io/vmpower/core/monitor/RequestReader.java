package io.vmpower.core.monitor;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.metrics.LatencyRecorder;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelEvent;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.wire.Reassembler;
import io.vmpower.core.wire.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a readable channel: one read (at most {@link HostConfig#packetsPerTurn()} requests, so no
 * guest starves the others), each whole request run through the channel's state machine and the
 * {@link RequestDispatcher}, the replies handed to {@link ReplyOutput}. One reassembler serves
 * every channel in turn; the bytes of an incomplete request are kept in the channel's link until
 * the rest arrives. Monitor thread only; allocation-free once a channel has kept a partial request.
 *
 * <p>Each request's latency, from the read of its channel to its reply written (the end of the turn
 * for a request without a reply), goes to the {@link LatencyRecorder} of requests; with {@link
 * LatencyRecorder#NONE} the clock is not read.
 */
final class RequestReader {
  private static final Logger log = LoggerFactory.getLogger(ChannelMonitor.class);

  private final RequestDispatcher dispatcher;
  private final WireFormat format;
  private final ChannelLinks links;
  private final ReplyOutput output;
  private final RefusalSummaries summaries;
  private final Clock clock;
  private final LatencyRecorder latency;
  private final boolean timed;

  /** Every channel's reads go through this one, in turn. */
  private final Reassembler in;

  RequestReader(
      RequestDispatcher dispatcher,
      HostConfig config,
      ChannelLinks links,
      ReplyOutput output,
      RefusalSummaries summaries,
      Clock clock,
      LatencyRecorder latency) {
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.latency = latency;
    this.timed = latency != LatencyRecorder.NONE;
    this.format = config.wireFormat();
    this.links = links;
    this.output = output;
    this.summaries = summaries;
    this.in = new Reassembler(format.requestSize(), config.packetsPerTurn());
  }

  /** Reads what {@code link}'s guest sent and serves its whole requests. */
  void onReadable(ChannelLink link) {
    long start = timed ? clock.nanoTime() : 0;
    in.restore(link.partial, link.partialLength);
    int n;
    try {
      n = link.endpoint.read(in.readBuffer());
    } catch (IOException e) {
      links.hangUp(link, e.getMessage());
      return;
    }
    if (n < 0) {
      links.hangUp(link, "peer hung up");
      return;
    }
    int served = serve(link);
    if (timed && served > 0) {
      latency.record(clock.nanoTime() - start, served);
    }
  }

  /** Serves the whole requests read; returns how many. */
  private int serve(ChannelLink link) {
    int count = in.completePackets();
    if (count > 0) {
      Channel channel = link.channel;
      ByteBuffer out = output.buffer(link);
      ByteBuffer packets = in.packets();
      for (int i = 0; i < count; i++) {
        channel.stats().increment(Counter.REQUESTS);
        if (!channel.stateMachine().tryStartRequest()) {
          channel.stats().increment(Counter.DROPPED_DISABLED);
          continue;
        }
        try {
          dispatcher.dispatch(channel, format, packets, in.offset(i), out, link.refusals);
        } catch (RuntimeException e) {
          channel.stats().increment(Counter.NACK_SCALE_FAILED);
          log.error("{}: request failed: {}", channel, e.toString(), e);
        } finally {
          channel.stateMachine().fire(ChannelEvent.REQUEST_DONE);
        }
      }
      in.consume(count);
      keepPartial(link);
      output.write(link, out);
    } else {
      keepPartial(link);
    }
    summaries.note(link);
    return count;
  }

  /** Saves the bytes of an incomplete request, which the shared buffer does not keep. */
  private void keepPartial(ChannelLink link) {
    int rest = in.bufferedBytes();
    if (rest > 0 && link.partial == null) {
      link.partial = new byte[in.packetSize()];
    }
    link.partialLength = rest > 0 ? in.copyBuffered(link.partial) : 0;
  }
}
