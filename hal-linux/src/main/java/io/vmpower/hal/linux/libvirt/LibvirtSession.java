package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open libvirt connection with the subscriptions this backend needs: lifecycle events, tuning
 * (pinning) events and the close callback. Callbacks arrive on libvirt's event thread and are
 * handed to a {@link Sink} together with the session they came from.
 */
final class LibvirtSession {
  private static final Logger log = LoggerFactory.getLogger(LibvirtSession.class);

  /** libvirt declares a remote connection dead after this many unanswered probes. */
  private static final int KEEPALIVE_INTERVAL_SECONDS = 5;

  private static final int KEEPALIVE_COUNT = 5;

  /** Where a session's callbacks go; called on libvirt's event thread, must not block. */
  interface Sink {
    void event(LibvirtSession from, HypervisorEvent event);

    void closed(LibvirtSession from, String reason);
  }

  private final LibvirtConnect connect;
  private final String hypervisor;
  private LifecycleListener lifecycle;
  private LibvirtTunableEvents tunable;
  private boolean closeListener;
  private boolean closed;

  private LibvirtSession(LibvirtConnect connect, String hypervisor) {
    this.connect = connect;
    this.hypervisor = hypervisor;
  }

  /**
   * Connects and subscribes.
   *
   * @throws HypervisorException naming the URI and libvirt's message
   */
  static LibvirtSession open(String uri, boolean readOnly, LibvirtConnector connector, Sink sink)
      throws HypervisorException {
    LibvirtConnect connect;
    try {
      connect = connector.open(uri, readOnly);
    } catch (LibvirtException e) {
      throw new HypervisorException(
          "cannot connect to libvirt at " + uri + ": " + LibvirtErrors.message(e), e);
    }
    LibvirtSession session = new LibvirtSession(connect, hypervisorOf(connect));
    try {
      session.subscribe(sink);
    } catch (LibvirtException e) {
      session.close();
      throw new HypervisorException(
          "cannot subscribe to libvirt's domain events at " + uri + ": " + LibvirtErrors.message(e),
          e);
    }
    return session;
  }

  LibvirtConnect connect() {
    return connect;
  }

  /** The hypervisor behind the connection, e.g. {@code QEMU 7.2.0}; empty when unknown. */
  String hypervisor() {
    return hypervisor;
  }

  /** False when libvirt reports the connection dead or it was closed. */
  boolean alive() {
    if (connect.nativeHandle() == null) {
      return false;
    }
    try {
      return connect.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  /** Unsubscribes and closes; best effort, as the connection may already be gone. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (lifecycle != null) {
      quietly("remove the lifecycle listener", () -> connect.removeLifecycleListener(lifecycle));
    }
    if (tunable != null) {
      tunable.deregister();
    }
    if (closeListener) {
      quietly("remove the close callback", connect::unregisterCloseListener);
    }
    quietly("close the connection", connect::close);
  }

  /** What a lifecycle event means for the power manager. */
  static HypervisorEvent lifecycleEvent(String vm, DomainEventType type) {
    return switch (type) {
      case STARTED -> new HypervisorEvent.VmStarted(vm);
      case STOPPED -> new HypervisorEvent.VmStopped(vm);
      default -> new HypervisorEvent.VmChanged(vm); // defined, undefined, paused, ...: re-read
    };
  }

  private synchronized void subscribe(Sink sink) throws LibvirtException {
    try {
      connect.registerCloseListener(
          (conn, reason) -> sink.closed(this, "libvirt closed the connection (" + reason + ")"));
      closeListener = true;
    } catch (LibvirtException e) {
      log.debug("no close callback: {}", LibvirtErrors.message(e));
    }
    try {
      connect.setKeepAlive(KEEPALIVE_INTERVAL_SECONDS, KEEPALIVE_COUNT);
    } catch (LibvirtException e) {
      log.debug("no keepalive (only remote connections have it): {}", LibvirtErrors.message(e));
    }
    LifecycleListener listener =
        (domain, event) -> {
          try {
            String vm = domain.getName();
            sink.event(this, lifecycleEvent(vm, event.getType()));
          } catch (LibvirtException | RuntimeException e) {
            log.warn("cannot handle libvirt lifecycle event {}: {}", event, e.toString());
          }
          return 0;
        };
    connect.addLifecycleListener(listener);
    lifecycle = listener;
    try {
      tunable =
          LibvirtTunableEvents.register(
              connect, vm -> sink.event(this, new HypervisorEvent.PinningChanged(vm)));
    } catch (IllegalStateException e) {
      log.warn("pinning changes made outside vmpower will go unnoticed: {}", e.getMessage());
    }
  }

  private static String hypervisorOf(Connect connect) {
    try {
      return connect.getType() + " " + LibvirtVersions.format(connect.getVersion());
    } catch (LibvirtException e) {
      log.debug("hypervisor version unknown: {}", LibvirtErrors.message(e));
      return "";
    }
  }

  private interface LibvirtAction {
    void run() throws LibvirtException;
  }

  private static void quietly(String what, LibvirtAction action) {
    try {
      action.run();
    } catch (LibvirtException | RuntimeException e) {
      log.debug("cannot {}: {}", what, e.toString());
    }
  }
}
