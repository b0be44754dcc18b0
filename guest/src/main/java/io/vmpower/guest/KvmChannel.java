package io.vmpower.guest;

import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lcore's channel to the host: its port, the reader thread filling its reply queue, and the
 * request / reply exchange, one request at a time.
 *
 * <ul>
 *   <li>At open, the CONNECT packet (command 2, every other byte zero) is written; a write that
 *       blocks longer than the connect timeout (no host attached) fails the open.
 *   <li>Before each request, bytes still buffered (a reply that came after its request timed out)
 *       are dropped; replies are then read packet by packet (the size follows from the command) and
 *       only one that answers this request is taken, so a late reply never misaligns the next.
 *   <li>A port whose host went away, or whose write blocked, is closed and opened again at the next
 *       request.
 * </ul>
 *
 * Scale requests carry only resource_id, unit and command (as DPDK's librte_power sends them);
 * queries also carry the vm_name (as DPDK's guest CLI sends them).
 */
final class KvmChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KvmChannel.class);
  private static final int QUEUE_CAPACITY = 16 * 1024;

  private final int lcore;
  private final Path path;
  private final PowerLibraryConfig config;
  private final ScheduledExecutorService watchdog;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Connection connection;
  private volatile boolean closed;
  private String broken;

  private KvmChannel(
      int lcore,
      Path path,
      PowerLibraryConfig config,
      ScheduledExecutorService watchdog,
      Connection connection) {
    this.lcore = lcore;
    this.path = path;
    this.config = config;
    this.watchdog = watchdog;
    this.connection = connection;
  }

  /** Opens {@code path} for {@code lcore} and sends CONNECT. */
  static KvmChannel open(
      int lcore, Path path, PowerLibraryConfig config, ScheduledExecutorService watchdog)
      throws PowerLibraryException {
    return new KvmChannel(lcore, path, config, watchdog, connect(lcore, path, config, watchdog));
  }

  Path path() {
    return path;
  }

  PowerResult scale(ScaleOp op) {
    byte[] request =
        PowerRequestCodec.encode(PowerRequest.cpuPower(lcore, op.unit()), config.wireFormat());
    Exchange x = exchange(request, false);
    return switch (x.kind()) {
      case REPLY ->
          KvmReplies.command(x.reply()) == Wire.ACK ? PowerResult.ack() : PowerResult.nack();
      case SENT -> PowerResult.sentWithoutReply("legacy protocol has no replies");
      case NO_REPLY -> PowerResult.noReply(x.reason());
      case FAILED -> PowerResult.failed(x.reason());
    };
  }

  QueryResult<VcpuFrequency> queryFrequency(boolean list) {
    Exchange x = exchange(query(list ? Wire.QUERY_FREQ_LIST : Wire.QUERY_FREQ, list), true);
    return switch (x.kind()) {
      case REPLY -> KvmReplies.frequencies(x.reply(), lcore, list);
      case SENT -> QueryResult.noReply("legacy protocol has no replies");
      case NO_REPLY -> QueryResult.noReply(x.reason());
      case FAILED -> QueryResult.failed(x.reason());
    };
  }

  QueryResult<VcpuCapabilities> queryCaps(boolean list) {
    Exchange x = exchange(query(list ? Wire.QUERY_CAPS_LIST : Wire.QUERY_CAPS, list), true);
    return switch (x.kind()) {
      case REPLY -> KvmReplies.capabilities(x.reply(), lcore, list);
      case SENT -> QueryResult.noReply("legacy protocol has no replies");
      case NO_REPLY -> QueryResult.noReply(x.reason());
      case FAILED -> QueryResult.failed(x.reason());
    };
  }

  /** A query as DPDK's guest CLI sends it: a list query leaves resource_id 0. */
  private byte[] query(int command, boolean list) {
    PowerRequest r = PowerRequest.of(command, list ? 0 : lcore);
    r.vmName = config.vmName();
    return PowerRequestCodec.encode(r, config.wireFormat());
  }

  /** Closes the port; a request in progress on another thread returns at once. */
  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      c.close("lcore " + lcore + " was exited");
    }
  }

  private Exchange exchange(byte[] request, boolean query) {
    lock.lock();
    try {
      String unusable = ensureConnected();
      if (unusable != null) {
        return Exchange.failed(unusable);
      }
      Connection c = connection;
      int stale = c.replies.discard();
      if (stale > 0) {
        log.debug("{}: dropped {} stale bytes before the request", path, stale);
      }
      try {
        write(c.port, request, config.connectTimeout(), watchdog);
      } catch (TimeoutException e) {
        return Exchange.failed(
            breakConnection(
                "no host attached to "
                    + path
                    + ": the request could not be sent within "
                    + PowerLibraryConfig.describe(config.connectTimeout())
                    + " (the port is opened again at the next request)"));
      } catch (IOException e) {
        return Exchange.failed(
            breakConnection(
                closed
                    ? "lcore " + lcore + " was exited"
                    : "cannot send to " + path + ": " + e.getMessage()));
      }
      if (!config.wireFormat().hasReplies()) {
        return Exchange.sent();
      }
      return awaitReply(c, request, query);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Exchange.failed("interrupted while waiting for the host's reply");
    } finally {
      lock.unlock();
    }
  }

  private Exchange awaitReply(Connection c, byte[] request, boolean query)
      throws InterruptedException {
    long deadline = System.nanoTime() + config.replyTimeout().toNanos();
    KvmReplyScanner.Result r = KvmReplyScanner.await(c.replies, request, query, deadline);
    if (r.skipped() > 0) {
      log.debug("{}: skipped {} bytes of late replies or noise", path, r.skipped());
    }
    return r.outcome() == ReplyQueue.Outcome.TAKEN
        ? Exchange.reply(r.reply())
        : noReply(c, r.outcome(), query);
  }

  private Exchange noReply(Connection c, ReplyQueue.Outcome o, boolean query) {
    if (o == ReplyQueue.Outcome.ENDED) {
      return Exchange.noReply(breakConnection(c.replies.endReason()));
    }
    String reason = "timeout after " + config.replyTimeout().toMillis() + " ms";
    if (query) {
      String vm = config.vmName().isEmpty() ? "VM" : config.vmName();
      reason +=
          "; a host answers queries only when they are enabled for the VM: run 'set_query "
              + vm
              + " enable' on the host";
    }
    return Exchange.noReply(reason);
  }

  /** Null when the connection is usable, else why not (reopening it first when it broke). */
  private String ensureConnected() {
    if (closed) {
      return "lcore " + lcore + " was exited";
    }
    Connection c = connection;
    if (broken == null && c.replies.endReason() != null) {
      broken = c.replies.endReason();
      c.close(broken);
    }
    if (broken == null) {
      return null;
    }
    log.info("{}: opening the port again after: {}", path, broken);
    try {
      Connection fresh = connect(lcore, path, config, watchdog);
      if (closed) {
        fresh.close("lcore " + lcore + " was exited");
        return "lcore " + lcore + " was exited";
      }
      connection = fresh;
      broken = null;
      return null;
    } catch (PowerLibraryException e) {
      return broken + "; opening it again failed: " + e.getMessage();
    }
  }

  private String breakConnection(String reason) {
    broken = reason;
    connection.close(reason);
    return reason;
  }

  private static Connection connect(
      int lcore, Path path, PowerLibraryConfig config, ScheduledExecutorService watchdog)
      throws PowerLibraryException {
    KvmPort port;
    try {
      port = KvmPort.open(path);
    } catch (NoSuchFileException e) {
      throw new PowerLibraryException("no port " + path + " for lcore " + lcore, e);
    } catch (IOException e) {
      throw new PowerLibraryException(
          "cannot open port " + path + " for lcore " + lcore + ": " + e.getMessage(), e);
    }
    WireFormat format = config.wireFormat();
    byte[] connect = PowerRequestCodec.encode(PowerRequest.of(Wire.CPU_POWER_CONNECT, 0), format);
    try {
      write(port, connect, config.connectTimeout(), watchdog);
    } catch (TimeoutException e) {
      port.close();
      throw new PowerLibraryException(
          "no host attached to "
              + path
              + " after "
              + PowerLibraryConfig.describe(config.connectTimeout())
              + ": is the host monitor running and the channel added with add_channels?");
    } catch (IOException e) {
      port.close();
      throw new PowerLibraryException("cannot send CONNECT on " + path + ": " + e.getMessage(), e);
    }
    ReplyQueue replies = new ReplyQueue(QUEUE_CAPACITY);
    KvmPortReader reader = format.hasReplies() ? KvmPortReader.start(port, replies, lcore) : null;
    log.info("lcore {}: connected to {} ({} requests)", lcore, port, format.optionName());
    return new Connection(port, replies, reader);
  }

  /**
   * Writes all of {@code bytes}; when that takes longer than {@code timeout} the port is closed
   * (which ends the blocked write) and TimeoutException thrown.
   */
  private static void write(
      KvmPort port, byte[] bytes, Duration timeout, ScheduledExecutorService watchdog)
      throws IOException, TimeoutException {
    AtomicBoolean settled = new AtomicBoolean();
    ScheduledFuture<?> alarm =
        watchdog.schedule(
            () -> {
              if (settled.compareAndSet(false, true)) {
                port.close();
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    IOException failure = null;
    try {
      port.write(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      failure = e;
    } finally {
      alarm.cancel(false);
    }
    if (!settled.compareAndSet(false, true)) {
      throw new TimeoutException("write to " + port.path() + " blocked for " + timeout);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** An open port with its reply queue and reader. */
  private record Connection(KvmPort port, ReplyQueue replies, KvmPortReader reader) {
    void close(String reason) {
      if (reader != null) {
        reader.stop();
      }
      port.close();
      replies.end(reason);
    }
  }

  /** What one request got: a matching reply, a send without replies, no reply, or a failure. */
  private record Exchange(Kind kind, byte[] reply, String reason) {
    enum Kind {
      REPLY,
      SENT,
      NO_REPLY,
      FAILED
    }

    static Exchange reply(byte[] reply) {
      return new Exchange(Kind.REPLY, reply, "");
    }

    static Exchange sent() {
      return new Exchange(Kind.SENT, null, "");
    }

    static Exchange noReply(String reason) {
      return new Exchange(Kind.NO_REPLY, null, reason);
    }

    static Exchange failed(String reason) {
      return new Exchange(Kind.FAILED, null, reason);
    }
  }
}
