package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a libvirt session open: notices its loss (libvirt's close callback, or a failed call on a
 * connection libvirt no longer reports alive), reports {@link HypervisorEvent.ConnectionLost},
 * reconnects with back-off on the scheduler's thread, subscribes again and reports {@link
 * HypervisorEvent.ConnectionRestored}. While the session is lost, {@link #session()} fails at once.
 */
final class LibvirtConnectionKeeper implements LibvirtSession.Sink {
  private static final Logger log = LoggerFactory.getLogger(LibvirtConnectionKeeper.class);

  private final String uri;
  private final boolean readOnly;
  private final LibvirtConnector connector;
  private final LibvirtBackoff backoff;
  private final ScheduledExecutorService scheduler;
  private final Consumer<HypervisorEvent> events;

  private final Object lock = new Object();
  private LibvirtSession current;
  private String lostReason;
  private String lastAttempt;
  private boolean closed;

  /**
   * Connects at once.
   *
   * @param events where events go; called on libvirt's event thread or the scheduler's
   * @throws HypervisorException naming the URI and libvirt's message when the first connection
   *     fails
   */
  LibvirtConnectionKeeper(
      String uri,
      boolean readOnly,
      LibvirtConnector connector,
      LibvirtBackoff backoff,
      ScheduledExecutorService scheduler,
      Consumer<HypervisorEvent> events)
      throws HypervisorException {
    this.uri = uri;
    this.readOnly = readOnly;
    this.connector = connector;
    this.backoff = backoff;
    this.scheduler = scheduler;
    this.events = events;
    this.current = LibvirtSession.open(uri, readOnly, connector, this);
  }

  /** The open session. */
  LibvirtSession session() throws HypervisorException {
    synchronized (lock) {
      if (current != null) {
        return current;
      }
      throw unavailable();
    }
  }

  /** The open session, or null while lost or after close. */
  LibvirtSession sessionOrNull() {
    synchronized (lock) {
      return current;
    }
  }

  /**
   * Turns a failed call into the exception to throw: a lost connection (and starts reconnecting)
   * when libvirt no longer reports {@code session} alive, else {@code what} with libvirt's message.
   */
  HypervisorException failure(LibvirtSession session, String what, LibvirtException e) {
    String message = LibvirtErrors.message(e);
    if (!session.alive()) {
      lost(session, message);
      synchronized (lock) {
        if (current != null) { // already reconnected meanwhile: report the call's own failure
          return new HypervisorException(what + ": " + message, e);
        }
        return unavailable();
      }
    }
    return new HypervisorException(what + ": " + message, e);
  }

  @Override
  public void event(LibvirtSession from, HypervisorEvent event) {
    synchronized (lock) {
      if (from != current) {
        return; // a late event of a connection already given up
      }
    }
    events.accept(event);
  }

  @Override
  public void closed(LibvirtSession from, String reason) {
    lost(from, reason);
  }

  /** Closes the session and stops reconnecting; the scheduler belongs to the caller. */
  void close() {
    LibvirtSession session;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      session = current;
      current = null;
    }
    if (session != null) {
      session.close();
    }
  }

  private void lost(LibvirtSession session, String reason) {
    synchronized (lock) {
      if (closed || current != session) {
        return;
      }
      current = null;
      lostReason = reason;
      lastAttempt = null;
    }
    log.warn("libvirt connection to {} lost: {}; reconnecting", uri, reason);
    events.accept(new HypervisorEvent.ConnectionLost(reason));
    try {
      scheduler.execute(session::close); // never on libvirt's event thread
      scheduleAttempt(backoff.initial());
    } catch (RejectedExecutionException e) {
      session.close(); // shutting down
    }
  }

  private void scheduleAttempt(Duration delay) {
    scheduler.schedule(() -> attempt(delay), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void attempt(Duration delay) {
    synchronized (lock) {
      if (closed) {
        return;
      }
    }
    LibvirtSession session;
    try {
      session = LibvirtSession.open(uri, readOnly, connector, this);
    } catch (HypervisorException e) {
      Duration next = backoff.next(delay);
      synchronized (lock) {
        lastAttempt = e.getMessage();
      }
      log.info("{}; next attempt in {} ms", e.getMessage(), next.toMillis());
      try {
        scheduleAttempt(next);
      } catch (RejectedExecutionException shuttingDown) {
        log.debug("not reconnecting to {}: shutting down", uri);
      }
      return;
    }
    boolean installed;
    synchronized (lock) {
      installed = !closed;
      if (installed) {
        current = session;
        lostReason = null;
        lastAttempt = null;
      }
    }
    if (!installed) {
      session.close();
      return;
    }
    log.info("libvirt connection to {} restored", uri);
    events.accept(new HypervisorEvent.ConnectionRestored());
  }

  /** Called holding the lock. */
  private HypervisorException unavailable() {
    if (closed) {
      return new HypervisorException("libvirt connection to " + uri + " is closed");
    }
    return new HypervisorException(
        "libvirt connection to "
            + uri
            + " lost: "
            + lostReason
            + "; reconnecting"
            + (lastAttempt == null ? "" : " (last attempt: " + lastAttempt + ")"));
  }
}
