package io.vmpower.core.monitor;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel monitor: one thread waits on every channel through the {@link ChannelTransport}
 * (epoll on Linux), reassembles requests, has them served by the {@link RequestDispatcher} and
 * writes the replies without ever blocking. A channel whose peer hangs up becomes DISCONNECTED and
 * is re-attached by itself with back-off. It never busy-waits: with nothing to re-attach it sleeps
 * until an event.
 *
 * <p>This class is the loop and the way in; the work is done by small parts, each with one job:
 * {@link ChannelLinks} (each channel's {@link ChannelLink}: attach, hang-up, detach), {@link
 * Reattacher} (the back-off), {@link RequestReader} (read and serve), {@link ReplyOutput} (replies
 * and their backlog) and {@link RefusalSummaries} (the refusal log's summary lines).
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
  private final Clock clock;
  private final Reattacher reattacher;
  private final ChannelLinks links;
  private final RefusalSummaries summaries = new RefusalSummaries();
  private final ReplyOutput output;
  private final RequestReader reader;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  private volatile Thread thread;
  private volatile boolean running;

  /** A monitor that times nothing, whose channel rules stay those of {@code config}. */
  public ChannelMonitor(
      ChannelTransport transport,
      RequestDispatcher dispatcher,
      HostConfig config,
      Clock clock,
      VmRegistry registry) {
    this(transport, dispatcher, config, new ChannelRules(config), clock, registry, HostTimers.NONE);
  }

  /** A monitor that times nothing and follows {@code rules} as a reload changes them. */
  public ChannelMonitor(
      ChannelTransport transport,
      RequestDispatcher dispatcher,
      HostConfig config,
      ChannelRules rules,
      Clock clock,
      VmRegistry registry) {
    this(transport, dispatcher, config, rules, clock, registry, HostTimers.NONE);
  }

  /** A monitor that records each request's time from read to reply in {@code timers}. */
  public ChannelMonitor(
      ChannelTransport transport,
      RequestDispatcher dispatcher,
      HostConfig config,
      Clock clock,
      VmRegistry registry,
      HostTimers timers) {
    this(transport, dispatcher, config, new ChannelRules(config), clock, registry, timers);
  }

  /**
   * A monitor that follows {@code rules} as a reload changes them and records each request's time
   * from read to reply in {@code timers}.
   */
  @Inject
  public ChannelMonitor(
      ChannelTransport transport,
      RequestDispatcher dispatcher,
      HostConfig config,
      ChannelRules rules,
      Clock clock,
      VmRegistry registry,
      HostTimers timers) {
    this.transport = transport;
    this.clock = clock;
    this.reattacher = new Reattacher(config, clock);
    this.links = new ChannelLinks(transport, rules, clock, registry, reattacher);
    this.output = new ReplyOutput(config, links);
    this.reader =
        new RequestReader(dispatcher, config, links, output, summaries, clock, timers.requests());
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
   * not negative), then due re-attaches and refusal summaries. Tests may call it directly instead
   * of {@link #start()}.
   */
  public void turn(long maxWaitMillis) throws IOException {
    runTasks();
    long timeout = tasks.isEmpty() ? waitMillis() : 0;
    if (maxWaitMillis >= 0 && (timeout < 0 || timeout > maxWaitMillis)) {
      timeout = maxWaitMillis;
    }
    reader.beginTurn();
    try {
      transport.await(timeout, this);
    } finally {
      reader.endTurn();
    }
    runTasks();
    links.reattachDue();
    if (!summaries.isEmpty()) {
      summaries.writeDue(clock.nanoTime());
    }
  }

  /** Until the soonest re-attach or summary is due, in ms; -1 when nothing is. */
  private long waitMillis() {
    if (reattacher.isEmpty() && summaries.isEmpty()) {
      return -1;
    }
    long soonest = Math.min(reattacher.soonest(), summaries.soonest());
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(soonest - clock.nanoTime() + 999_999));
  }

  /**
   * Runs {@code action} on the monitor thread and returns its result (directly when called on it,
   * or when the monitor is not started).
   */
  public <T> T call(Callable<T> action) throws Exception {
    return call(action, Duration.ofSeconds(30));
  }

  /**
   * As {@link #call(Callable)}, waiting at most {@code timeout} for the monitor thread to run it.
   *
   * @throws TimeoutException when it did not run in time (it may still run later)
   */
  public <T> T call(Callable<T> action, Duration timeout) throws Exception {
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
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
          links.attach(channel);
          return null;
        });
  }

  /**
   * Attaches channels for the first time, all in one call on the monitor thread (add_channels of a
   * VM's channels, the daemon's auto-attach): one round trip to the monitor however many channels.
   * Returns, per channel in order, null when attached or why it was not (it then stays DISCONNECTED
   * and the monitor forgets it, as {@link #attach} does).
   */
  public List<Exception> attachAll(List<Channel> channels) throws Exception {
    return call(
        () -> {
          List<Exception> failures = new ArrayList<>(channels.size());
          for (Channel c : channels) {
            try {
              links.attach(c);
              failures.add(null);
            } catch (Exception e) {
              failures.add(e);
            }
          }
          return failures;
        });
  }

  /**
   * Takes on channels the daemon found (see {@link ChannelLinks#adopt}): each is attached now if
   * its socket can be connected to, else retried by itself with back-off. Returns how many are
   * attached now.
   */
  public int adopt(List<Channel> channels) throws Exception {
    return call(
        () -> {
          int attached = 0;
          for (Channel c : channels) {
            if (links.adopt(c)) {
              attached++;
            }
          }
          return attached;
        });
  }

  /** Closes the connections of {@code channels} and forgets them, in one turn. */
  public void detach(List<Channel> channels) throws Exception {
    call(
        () -> {
          channels.forEach(links::detach);
          return null;
        });
  }

  /**
   * Drops the connections whose peer the channel rules no longer allow (after a reload); one
   * sentence per channel dropped.
   */
  public List<String> recheckPeers() throws Exception {
    return call(links::recheckPeers);
  }

  /**
   * Whether the monitor thread runs a task within {@code timeout}: the proof that it is alive and
   * not stuck, for a service manager's watchdog. True when the monitor is not started.
   */
  public boolean answers(Duration timeout) {
    try {
      return call(() -> Boolean.TRUE, timeout);
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      log.warn("the channel monitor failed a no-op: {}", e.toString());
      return false;
    }
  }

  /** Closes a channel's connection and forgets it (rm_channels). */
  public void detach(Channel channel) throws Exception {
    call(
        () -> {
          links.detach(channel);
          return null;
        });
  }

  /** Tries to re-attach every DISCONNECTED channel of {@code vm} now (e.g. it just started). */
  public void reattachSoon(Vm vm) {
    tasks.add(
        () -> {
          for (Channel c : vm.channels().values()) {
            links.retryNow(c);
          }
        });
    transport.wakeup();
  }

  @Override
  public void onReadable(ChannelEndpoint endpoint) {
    reader.onReadable((ChannelLink) endpoint.attachment());
  }

  @Override
  public void onWritable(ChannelEndpoint endpoint) {
    output.writeBacklog((ChannelLink) endpoint.attachment());
  }

  @Override
  public void onHangUp(ChannelEndpoint endpoint) {
    links.hangUp((ChannelLink) endpoint.attachment(), "peer hung up");
  }

  @Override
  public void onAttachable(Path path) {
    reattacher.hint(path);
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
    links.closeAll();
    summaries.writeAll();
    transport.close();
  }
}
