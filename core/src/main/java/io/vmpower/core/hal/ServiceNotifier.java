package io.vmpower.core.hal;

import java.time.Duration;
import java.util.Optional;

/**
 * The service manager that started the host, told how the service is doing (systemd's {@code
 * sd_notify}: {@code READY=1}, {@code RELOADING=1}, {@code STOPPING=1}, {@code STATUS=...}, {@code
 * WATCHDOG=1}). Without one (not started by a service manager) every call does nothing. Calls never
 * throw: a failure to notify is logged, the service goes on. Thread-safe.
 */
public interface ServiceNotifier {

  /** For reports, e.g. {@code systemd (NOTIFY_SOCKET=/run/systemd/notify)} or {@code none}. */
  String description();

  /** Whether a service manager listens. */
  boolean enabled();

  /** Start-up is over: the service serves. */
  void ready(String status);

  /** A reload starts; {@link #ready} follows when it is over. */
  void reloading(String status);

  /** The service stops (restoring, closing). */
  void stopping(String status);

  /** A line saying how the service is doing. */
  void status(String status);

  /**
   * How often the service manager wants to hear {@link #watchdog()}; empty when it watches nothing.
   * Send it at least twice per interval.
   */
  Optional<Duration> watchdogInterval();

  /** The service is alive (only when it really is: the service manager restarts a silent one). */
  void watchdog();

  /** No service manager: every call does nothing. */
  ServiceNotifier NONE =
      new ServiceNotifier() {
        @Override
        public String description() {
          return "none";
        }

        @Override
        public boolean enabled() {
          return false;
        }

        @Override
        public void ready(String status) {}

        @Override
        public void reloading(String status) {}

        @Override
        public void stopping(String status) {}

        @Override
        public void status(String status) {}

        @Override
        public Optional<Duration> watchdogInterval() {
          return Optional.empty();
        }

        @Override
        public void watchdog() {}
      };
}
