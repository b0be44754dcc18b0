package io.vmpower.core.monitor;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelEvent;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.core.wire.Reassembler;
import io.vmpower.core.wire.Wire;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel monitor: one thread waits on every channel through the {@link ChannelTransport}
 * (epoll on Linux), reassembles requests, has them served by the {@link RequestDispatcher} and
 * writes the replies without ever blocking. A channel whose peer hangs up becomes DISCONNECTED and
 * is re-attached by itself with back-off. It never busy-waits: with nothing to re-attach it sleeps
 * until an event.
 *
 * <p>Other threads act on channels only through {@link #call}, which runs the action on the monitor
 * thread; so endpoints and buffers have a single owner.
 *
 * <p>One read buffer and one reply buffer serve every channel in turn, so an attached channel costs
 * a few hundred bytes, not buffers of its own: a channel keeps only an incomplete request between
 * reads, and replies its guest has not taken yet (in a backlog of at most {@link
 * HostConfig#outputQueueBytes()}, made when first needed).
 */
@Singleton
public final class ChannelMonitor implements ChannelEventHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChannelMonitor.class);

  private final ChannelTransport transport;
  private final RequestDispatcher dispatcher;
  private final HostConfig config;
  private final Clock clock;
  private final VmRegistry registry;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<Channel> waiting = new ArrayList<>();

  /** Channels whose refusal summary is still to be logged. */
  private final List<Channel> summaries = new ArrayList<>();

  /** Every channel's reads go through this one, in turn. */
  private final Reassembler in;

  /**
   * Replies of one channel's turn before they are written; its limit is the output queue, so a
   * turn's replies are dropped or kept exactly as if each channel had a queue of its own.
   */
  private final ByteBuffer replies;

  private volatile Thread thread;
  private volatile boolean running;

  @Inject
  public ChannelMonitor(
      ChannelTransport transport,
      RequestDispatcher dispatcher,
      HostConfig config,
      Clock clock,
      VmRegistry registry) {
    this.transport = transport;
    this.dispatcher = dispatcher;
    this.config = config;
    this.clock = clock;
    this.registry = registry;
    this.in = new Reassembler(config.wireFormat().requestSize(), config.packetsPerTurn());
    int turnBytes = config.packetsPerTurn() * Wire.REQUEST_SIZE;
    this.replies =
        ByteBuffer.allocateDirect(Math.min(turnBytes, config.outputQueueBytes()))
            .order(ByteOrder.LITTLE_ENDIAN);
  }

  public ChannelTransport transport() {
    return transport;
  }

  /** Starts the monitor thread. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    running = true;
    Thread t = new Thread(this::loop, "channel-monitor");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  public boolean isRunning() {
    return thread != null && running;
  }

  private void loop() {
    log.info("channel monitor started on {}", transport.description());
    while (running) {
      try {
        turn(-1);
      } catch (IOException | RuntimeException e) {
        log.error("channel monitor: {}", e.toString(), e);
      }
    }
    log.info("channel monitor stopped");
  }

  /**
   * One turn of the loop: pending actions, a wait for events (at most {@code maxWaitMillis} when
   * not negative), then due re-attaches. Tests may call it directly instead of {@link #start()}.
   */
  public void turn(long maxWaitMillis) throws IOException {
    runTasks();
    long timeout = tasks.isEmpty() ? waitMillis() : 0;
    if (maxWaitMillis >= 0 && (timeout < 0 || timeout > maxWaitMillis)) {
      timeout = maxWaitMillis;
    }
    transport.await(timeout, this);
    runTasks();
    reattachDue();
    summarizeDue();
  }

  /**
   * Runs {@code action} on the monitor thread and returns its result (directly when called on it,
   * or when the monitor is not started).
   */
  public <T> T call(Callable<T> action) throws Exception {
    Thread t = thread;
    if (t == null || Thread.currentThread() == t || !running) {
      return action.call();
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    tasks.add(
        () -> {
          try {
            f.complete(action.call());
          } catch (Exception | Error e) {
            f.completeExceptionally(e);
          }
        });
    transport.wakeup();
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  private void runTasks() {
    Runnable r;
    while ((r = tasks.poll()) != null) {
      r.run();
    }
  }

  /**
   * Attaches a channel for the first time (add_channels). On failure the channel stays DISCONNECTED
   * and the exception says why; the caller decides whether to keep it.
   */
  public void attach(Channel channel) throws Exception {
    call(
        () -> {
          ChannelIo io = io(channel);
          open(channel, io);
          return null;
        });
  }

  /** Closes a channel's connection and forgets it (rm_channels). */
  public void detach(Channel channel) throws Exception {
    call(
        () -> {
          ChannelEndpoint ep = channel.endpoint();
          if (ep != null) {
            ep.close();
            channel.endpoint(null);
          }
          if (channel.state() != ChannelState.DISCONNECTED) {
            channel.stateMachine().fire(ChannelEvent.HUNG_UP);
          }
          waiting.remove(channel);
          ChannelIo io = (ChannelIo) channel.io;
          if (io != null) {
            io.waiting = false;
            io.reset();
          }
          return null;
        });
  }

  /** Tries to re-attach every DISCONNECTED channel of {@code vm} now (e.g. it just started). */
  public void reattachSoon(Vm vm) {
    tasks.add(
        () -> {
          for (Channel c : vm.channels().values()) {
            ChannelIo io = (ChannelIo) c.io;
            if (io != null && io.waiting) {
              io.nextAttemptNanos = clock.nanoTime();
            }
          }
        });
    transport.wakeup();
  }

  private ChannelIo io(Channel channel) {
    ChannelIo io = (ChannelIo) channel.io;
    if (io == null) {
      io = new ChannelIo();
      channel.io = io;
    }
    return io;
  }

  private void open(Channel channel, ChannelIo io) throws IOException {
    ChannelEndpoint ep = transport.open(channel.path());
    PeerCredentials peer = ep.peer();
    if (config.allowedPeerUid().isPresent() && peer.uid() != config.allowedPeerUid().getAsLong()) {
      ep.close();
      channel.stats().increment(Counter.PEER_REFUSED);
      String why =
          "peer of "
              + channel.path()
              + " refused: uid "
              + (peer.known() ? peer.uid() : "unknown")
              + " is not the allowed uid "
              + config.allowedPeerUid().getAsLong();
      log.warn(why);
      throw new IOException(why);
    }
    ep.attach(channel);
    channel.endpoint(ep);
    channel.peer(peer);
    channel.lastError("");
    io.reset();
    io.attempts = 0;
    io.waiting = false;
    channel.stateMachine().fire(ChannelEvent.ATTACHED);
    channel.stats().increment(Counter.ATTACHES);
    // the pid is left out: looking it up may scan /proc, never done on this thread
    log.info("{}: attached to {} (peer {})", channel, channel.path(), peer.idsToString());
  }

  @Override
  public void onReadable(ChannelEndpoint endpoint) {
    Channel channel = (Channel) endpoint.attachment();
    ChannelIo io = (ChannelIo) channel.io;
    in.restore(io.partial, io.partialLength);
    int n;
    try {
      n = endpoint.read(in.readBuffer());
    } catch (IOException e) {
      hangUp(channel, io, e.getMessage());
      return;
    }
    if (n < 0) {
      hangUp(channel, io, "peer hung up");
      return;
    }
    serve(channel, io);
  }

  private void serve(Channel channel, ChannelIo io) {
    int count = in.completePackets();
    if (count > 0) {
      // while older replies wait for the guest, new ones queue behind them
      ByteBuffer out = io.hasBacklog() ? io.backlog : replies.clear();
      ByteBuffer packets = in.packets();
      for (int i = 0; i < count; i++) {
        channel.stats().increment(Counter.REQUESTS);
        if (!channel.stateMachine().tryStartRequest()) {
          channel.stats().increment(Counter.DROPPED_DISABLED);
          continue;
        }
        try {
          dispatcher.dispatch(
              channel, config.wireFormat(), packets, in.offset(i), out, io.refusals);
        } catch (RuntimeException e) {
          channel.stats().increment(Counter.NACK_SCALE_FAILED);
          log.error("{}: request failed: {}", channel, e.toString(), e);
        } finally {
          channel.stateMachine().fire(ChannelEvent.REQUEST_DONE);
        }
      }
      in.consume(count);
      keepPartial(io);
      if (out == replies) {
        flushTurn(channel, io);
      } else {
        flush(channel, io);
      }
    } else {
      keepPartial(io);
    }
    if (io.refusals.suppressed() > 0 && !io.refusals.listed) {
      io.refusals.listed = true;
      summaries.add(channel);
    }
  }

  /** Saves the bytes of an incomplete request, which the shared buffer does not keep. */
  private void keepPartial(ChannelIo io) {
    int rest = in.bufferedBytes();
    if (rest > 0 && io.partial == null) {
      io.partial = new byte[in.packetSize()];
    }
    io.partialLength = rest > 0 ? in.copyBuffered(io.partial) : 0;
  }

  /** Writes this turn's replies; what the guest does not take now goes to its backlog. */
  private void flushTurn(Channel channel, ChannelIo io) {
    ChannelEndpoint ep = channel.endpoint();
    if (replies.position() == 0 || ep == null) {
      return;
    }
    replies.flip();
    try {
      ep.write(replies);
    } catch (IOException e) {
      hangUp(channel, io, e.getMessage());
      return;
    }
    if (!replies.hasRemaining()) {
      return;
    }
    if (io.backlog == null) {
      io.backlog =
          ByteBuffer.allocateDirect(config.outputQueueBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }
    // fits: the turn's replies were limited to the output queue, and the backlog was empty
    io.backlog.put(replies);
    ep.watchWritable(true);
    io.watchingWritable = true;
  }

  /** Writes what waits in the backlog; stops watching for room once it is empty. */
  private void flush(Channel channel, ChannelIo io) {
    ChannelEndpoint ep = channel.endpoint();
    if (ep == null || io.backlog == null) {
      return;
    }
    ByteBuffer out = io.backlog;
    if (out.position() > 0) {
      out.flip();
      try {
        ep.write(out);
      } catch (IOException e) {
        out.compact();
        hangUp(channel, io, e.getMessage());
        return;
      }
      out.compact();
    }
    boolean pending = out.position() > 0;
    if (pending != io.watchingWritable) {
      ep.watchWritable(pending);
      io.watchingWritable = pending;
    }
  }

  @Override
  public void onWritable(ChannelEndpoint endpoint) {
    Channel channel = (Channel) endpoint.attachment();
    flush(channel, (ChannelIo) channel.io);
  }

  @Override
  public void onHangUp(ChannelEndpoint endpoint) {
    Channel channel = (Channel) endpoint.attachment();
    hangUp(channel, (ChannelIo) channel.io, "peer hung up");
  }

  @Override
  public void onAttachable(Path path) {
    for (Channel c : waiting) {
      if (c.path().equals(path)) {
        ((ChannelIo) c.io).nextAttemptNanos = clock.nanoTime();
      }
    }
  }

  private void hangUp(Channel channel, ChannelIo io, String reason) {
    ChannelEndpoint ep = channel.endpoint();
    if (ep != null) {
      ep.close();
      channel.endpoint(null);
    }
    if (channel.state() == ChannelState.DISCONNECTED) {
      return;
    }
    channel.stateMachine().fire(ChannelEvent.HUNG_UP);
    channel.stats().increment(Counter.HANGUPS);
    channel.stats().add(Counter.INCOMPLETE_BYTES, io.partialLength);
    io.reset();
    io.attempts = 0;
    schedule(channel, io);
    log.info("{}: {}; DISCONNECTED, will re-attach", channel, reason);
  }

  private void schedule(Channel channel, ChannelIo io) {
    long delay = config.reattachMin().toNanos() << Math.min(io.attempts, 20);
    delay = Math.min(delay, config.reattachMax().toNanos());
    io.nextAttemptNanos = clock.nanoTime() + delay;
    if (!io.waiting) {
      io.waiting = true;
      waiting.add(channel);
    }
  }

  private long waitMillis() {
    if (waiting.isEmpty() && summaries.isEmpty()) {
      return -1;
    }
    long now = clock.nanoTime();
    long soonest = Long.MAX_VALUE;
    for (Channel c : waiting) {
      soonest = Math.min(soonest, ((ChannelIo) c.io).nextAttemptNanos);
    }
    for (Channel c : summaries) {
      soonest = Math.min(soonest, ((ChannelIo) c.io).refusals.dueAt());
    }
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(soonest - now + 999_999));
  }

  /** Logs the refusal summaries whose window is over. */
  private void summarizeDue() {
    if (summaries.isEmpty()) {
      return;
    }
    long now = clock.nanoTime();
    for (int i = 0; i < summaries.size(); i++) {
      Channel c = summaries.get(i);
      RefusalLog r = ((ChannelIo) c.io).refusals;
      r.flushDue(c, now);
      if (r.suppressed() == 0) {
        r.listed = false;
        summaries.remove(i--);
      }
    }
  }

  private void reattachDue() {
    if (waiting.isEmpty()) {
      return;
    }
    long now = clock.nanoTime();
    for (int i = 0; i < waiting.size(); i++) {
      Channel c = waiting.get(i);
      ChannelIo io = (ChannelIo) c.io;
      if (io.nextAttemptNanos - now > 0) {
        continue;
      }
      if (c.vm().channel(c.number()) != c || registry.find(c.vm().name()).orElse(null) != c.vm()) {
        io.waiting = false;
        waiting.remove(i--);
        continue;
      }
      try {
        open(c, io);
        waiting.remove(i--);
      } catch (IOException e) {
        c.lastError(e.getMessage());
        io.attempts++;
        schedule(c, io);
        log.debug(
            "{}: re-attach failed ({}), next try in {} attempts", c, e.getMessage(), io.attempts);
      }
    }
  }

  /** Stops the loop, closes every channel's connection and the transport. */
  @Override
  public void close() {
    running = false;
    transport.wakeup();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    thread = null;
    for (Channel c : registry.channels()) {
      ChannelEndpoint ep = c.endpoint();
      if (ep != null) {
        ep.close();
        c.endpoint(null);
      }
      if (c.state() != ChannelState.DISCONNECTED) {
        c.stateMachine().fire(ChannelEvent.HUNG_UP);
      }
    }
    waiting.clear();
    for (Channel c : summaries) {
      RefusalLog r = ((ChannelIo) c.io).refusals;
      r.flush(c);
      r.listed = false;
    }
    summaries.clear();
    transport.close();
  }
}
