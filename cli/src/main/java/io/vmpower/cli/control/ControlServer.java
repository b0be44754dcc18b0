package io.vmpower.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.vmpower.cli.shell.ShellRunner;
import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.control.ControlAccess;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlListener;
import io.vmpower.core.hal.ControlPeer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the control socket: one thread accepts, checks each peer's credentials before reading
 * anything from it and refuses it (one JSON line, then closed) when it may not connect or when
 * {@link ControlSettings#maxClients()} are already served; each served client has a thread of its
 * own that reads its requests (bounded, with an idle timeout), has the {@link CommandExecutor} run
 * them and writes the replies, cut off when a reply goes past the bound or is not taken within the
 * write timeout. Nothing here runs on, or waits for, the channel monitor's thread.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  /**
   * What the host does with a JSON instruction (a request with {@code policy} or {@code
   * instruction} instead of {@code command}): run on the command thread, like a command.
   */
  @FunctionalInterface
  public interface Instructions {
    /** The instruction's outcome: status 0 done, 1 failed, 2 not readable; no result. */
    CommandExecutor.Outcome run(String requestLine);

    /** A host that takes none. */
    Instructions NONE =
        line ->
            new CommandExecutor.Outcome(
                2,
                java.util.List.of(),
                java.util.List.of("Error: this host takes no JSON instructions"),
                null);
  }

  private final ControlListener listener;
  private final ControlSettings settings;
  private final CommandExecutor executor;
  private final ShellRunner shell;
  private final String version;
  private final String prompt;
  private final Instructions instructions;
  private final ControlAccess access;
  private final Semaphore slots;
  private final Set<ControlSession> sessions = ConcurrentHashMap.newKeySet();
  private final ExecutorService clients;
  private final ScheduledThreadPoolExecutor timers;
  private final ControlLog refusals = new ControlLog(log);
  private final ControlLog clientLog =
      new ControlLog(LoggerFactory.getLogger(ControlSession.class));
  private final AtomicInteger clientNumber = new AtomicInteger();
  private volatile boolean open = true;
  private Thread acceptor;

  public ControlServer(
      ControlListener listener,
      ControlSettings settings,
      CommandExecutor executor,
      ShellRunner shell,
      String version,
      String prompt) {
    this(listener, settings, executor, shell, version, prompt, Instructions.NONE);
  }

  /** A server that also takes JSON instructions, carried out by {@code instructions}. */
  public ControlServer(
      ControlListener listener,
      ControlSettings settings,
      CommandExecutor executor,
      ShellRunner shell,
      String version,
      String prompt,
      Instructions instructions) {
    this.instructions = instructions;
    this.listener = listener;
    this.settings = settings;
    this.executor = executor;
    this.shell = shell;
    this.version = version;
    this.prompt = prompt;
    this.access = new ControlAccess(listener.ownerUid(), listener.groupId(), settings.group());
    this.slots = new Semaphore(settings.maxClients());
    this.clients =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "control-client-" + clientNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "control-timeouts");
              t.setDaemon(true);
              return t;
            });
    timers.setRemoveOnCancelPolicy(true);
  }

  /** Starts accepting clients. */
  public synchronized ControlServer start() {
    if (acceptor == null) {
      acceptor = new Thread(this::acceptLoop, "control-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }
    return this;
  }

  public ControlListener listener() {
    return listener;
  }

  ControlSettings settings() {
    return settings;
  }

  CommandExecutor executor() {
    return executor;
  }

  Instructions instructions() {
    return instructions;
  }

  ShellRunner shell() {
    return shell;
  }

  /** Clients being served now. */
  public int activeClients() {
    return sessions.size();
  }

  private void acceptLoop() {
    while (open) {
      ControlConnection c;
      try {
        c = listener.accept();
      } catch (IOException | RuntimeException e) {
        if (open && listener.isOpen()) {
          log.warn("control socket: accept failed: {}", e.toString());
          continue;
        }
        break;
      }
      try {
        admit(c);
      } catch (RuntimeException e) {
        log.warn("control socket: cannot serve a client: {}", e.toString());
        c.close();
      }
    }
  }

  private void admit(ControlConnection c) {
    ControlPeer peer = c.peer();
    String refusal = access.refusal(peer);
    if (refusal != null) {
      refusals.warn("refused control client " + peer + ": " + refusal);
      refuse(c, ControlProtocol.Reason.FORBIDDEN, refusal);
      return;
    }
    if (!open) {
      refuse(c, ControlProtocol.Reason.SHUTTING_DOWN, "the host is stopping");
      return;
    }
    if (!slots.tryAcquire()) {
      refusals.warn("refused control client " + peer + ": " + settings.maxClients() + " served");
      refuse(
          c,
          ControlProtocol.Reason.BUSY,
          "too many control clients: "
              + settings.maxClients()
              + " are served at once; try again later");
      return;
    }
    ControlSession s = new ControlSession(this, c);
    sessions.add(s);
    try {
      clients.execute(s);
    } catch (RuntimeException e) {
      ended(s);
      c.close();
    }
  }

  /**
   * Sends one error line, then closes: on the accepting thread, so bounded by the write timeout.
   */
  private void refuse(ControlConnection c, ControlProtocol.Reason reason, String message) {
    try {
      write(
          c,
          ControlProtocol.encode(ControlProtocol.error(NullNode.instance, reason, message, true)));
    } catch (IOException e) {
      log.debug("control client gone before its refusal: {}", e.toString());
    } finally {
      c.close();
    }
  }

  /**
   * Writes {@code bytes} to {@code c}; if the client has not taken them within the write timeout,
   * the connection is closed (which fails the write).
   */
  void write(ControlConnection c, byte[] bytes) throws IOException {
    AtomicLong cutOff = new AtomicLong();
    ScheduledFuture<?> timeout =
        timers.schedule(
            () -> {
              cutOff.set(1);
              c.close();
            },
            settings.writeTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      OutputStream out = c.output();
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      if (cutOff.get() != 0) {
        throw new WriteTimeoutException(settings.writeTimeout().toMillis(), e);
      }
      throw e;
    } finally {
      timeout.cancel(false);
    }
  }

  /** A client did not take its reply within the write timeout. */
  static final class WriteTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    WriteTimeoutException(long millis, IOException cause) {
      super("took none of its reply for " + millis + " ms", cause);
    }
  }

  /** Where sessions log what a client did wrong: rate-limited, as refusals are. */
  ControlLog clientLog() {
    return clientLog;
  }

  String version() {
    return version;
  }

  String prompt() {
    return prompt;
  }

  void ended(ControlSession s) {
    if (sessions.remove(s)) {
      slots.release();
    }
  }

  /** Whether the host is still serving (false once {@link #close} began). */
  boolean isOpen() {
    return open;
  }

  /** Stops accepting, closes every client's connection and the socket. */
  @Override
  public void close() {
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
    }
    listener.close();
    for (ControlSession s : sessions) {
      s.closeForShutdown();
    }
    clients.shutdown();
    try {
      clients.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    clients.shutdownNow();
    timers.shutdownNow();
    Thread a = acceptor;
    if (a != null) {
      try {
        a.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    refusals.flush();
    clientLog.flush();
    log.info("control socket {} closed", listener.path());
  }

  /** The id of a request for log lines. */
  static String idText(JsonNode id) {
    return id == null || id.isNull() ? "-" : id.toString();
  }
}
