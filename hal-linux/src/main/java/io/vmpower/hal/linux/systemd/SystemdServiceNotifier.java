package io.vmpower.hal.linux.systemd;

import io.vmpower.core.hal.ServiceNotifier;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notification protocol ({@code sd_notify(3)}): each notification is one datagram of
 * {@code KEY=VALUE} lines sent to the AF_UNIX socket named by {@code $NOTIFY_SOCKET}, a path or
 * {@code @name} in the abstract namespace. The JDK has no AF_UNIX datagram sockets, so this uses
 * junixsocket's. The watchdog interval is {@code $WATCHDOG_USEC} when {@code $WATCHDOG_PID} is
 * unset or this process's pid. Without {@code $NOTIFY_SOCKET} every call does nothing.
 *
 * <p>A datagram that cannot be sent is logged (a warning the first time, then at debug level) and
 * dropped: the service goes on, and systemd acts on what it did not hear (a start time-out, a
 * watchdog restart). Thread-safe.
 */
public final class SystemdServiceNotifier implements ServiceNotifier {
  private static final Logger log = LoggerFactory.getLogger(SystemdServiceNotifier.class);

  private final String socketName;
  private final SocketAddress address;
  private final Duration watchdog;
  private AFUNIXDatagramChannel channel; // guarded by this
  private boolean failedBefore; // guarded by this

  private SystemdServiceNotifier(String socketName, SocketAddress address, Duration watchdog) {
    this.socketName = socketName;
    this.address = address;
    this.watchdog = watchdog;
  }

  /** From this process's environment. */
  public static ServiceNotifier fromEnvironment() {
    return fromEnvironment(System.getenv(), () -> ProcessHandle.current().pid());
  }

  /**
   * From {@code env} ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}), for a
   * process whose pid {@code pid} gives; {@link ServiceNotifier#NONE} without {@code
   * NOTIFY_SOCKET}, or when it is neither an absolute path nor {@code @name} (logged).
   */
  public static ServiceNotifier fromEnvironment(Map<String, String> env, LongSupplier pid) {
    String name = env.get("NOTIFY_SOCKET");
    if (name == null || name.isEmpty()) {
      return NONE;
    }
    SocketAddress address;
    try {
      if (name.startsWith("@")) {
        address = AFUNIXSocketAddress.inAbstractNamespace(name.substring(1));
      } else if (name.startsWith("/")) {
        address = AFUNIXSocketAddress.of(Path.of(name));
      } else {
        log.warn(
            "NOTIFY_SOCKET '{}' is neither an absolute path nor @name: not notifying systemd",
            name);
        return NONE;
      }
    } catch (IOException | RuntimeException e) {
      log.warn("NOTIFY_SOCKET '{}' is unusable ({}): not notifying systemd", name, e.toString());
      return NONE;
    }
    return new SystemdServiceNotifier(name, address, watchdog(env, pid));
  }

  /** {@code WATCHDOG_USEC} when it is meant for this process, else null. */
  static Duration watchdog(Map<String, String> env, LongSupplier pid) {
    String usec = env.get("WATCHDOG_USEC");
    if (usec == null || usec.isEmpty()) {
      return null;
    }
    String forPid = env.get("WATCHDOG_PID");
    if (forPid != null && !forPid.isEmpty()) {
      if (!forPid.equals(Long.toString(pid.getAsLong()))) {
        log.debug("WATCHDOG_PID {} is another process: no watchdog", forPid);
        return null;
      }
    }
    try {
      long us = Long.parseLong(usec);
      if (us <= 0) {
        throw new NumberFormatException("not positive");
      }
      return Duration.ofNanos(Math.multiplyExact(us, 1000L));
    } catch (NumberFormatException | ArithmeticException e) {
      log.warn("WATCHDOG_USEC '{}' is not a positive number of microseconds: no watchdog", usec);
      return null;
    }
  }

  @Override
  public String description() {
    return "systemd (NOTIFY_SOCKET="
        + socketName
        + (watchdog == null ? "" : ", watchdog every " + watchdog.toMillis() + " ms")
        + ")";
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status));
  }

  @Override
  public void reloading(String status) {
    // MONOTONIC_USEC: the reload's start on CLOCK_MONOTONIC, which System.nanoTime reads on Linux
    send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=" + oneLine(status));
  }

  @Override
  public void stopping(String status) {
    send("STOPPING=1\nSTATUS=" + oneLine(status));
  }

  @Override
  public void status(String status) {
    send("STATUS=" + oneLine(status));
  }

  @Override
  public Optional<Duration> watchdogInterval() {
    return Optional.ofNullable(watchdog);
  }

  @Override
  public void watchdog() {
    send("WATCHDOG=1");
  }

  /** The status text on one line: systemd reads a value up to the end of its line. */
  static String oneLine(String status) {
    return status == null ? "" : status.replaceAll("[\\r\\n]+", " ").strip();
  }

  private synchronized void send(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    try {
      if (channel == null) {
        channel = AFUNIXDatagramChannel.open();
      }
      int sent = channel.send(ByteBuffer.wrap(bytes), address);
      if (sent != bytes.length) {
        throw new IOException("sent " + sent + " of " + bytes.length + " bytes");
      }
      failedBefore = false;
      log.debug("told systemd: {}", message.replace('\n', ' '));
    } catch (IOException | RuntimeException e) {
      if (!failedBefore) {
        log.warn(
            "cannot notify systemd at {} ({}): '{}' not delivered",
            socketName,
            e.toString(),
            message.replace('\n', ' '));
      } else {
        log.debug("cannot notify systemd at {}: {}", socketName, e.toString());
      }
      failedBefore = true;
      closeSocket();
    }
  }

  private void closeSocket() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing the notification socket: {}", e.toString());
      }
      channel = null;
    }
  }
}
