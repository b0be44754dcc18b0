package io.vmpower.hal.sim;

import io.vmpower.core.hal.ServiceNotifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A service manager that records what the host told it, for tests and features: each notification
 * as the lines systemd would receive ({@code READY=1}, {@code STATUS=...}). It may ask for a
 * watchdog, as systemd does with {@code WatchdogSec=}. Thread-safe.
 */
public final class SimulatedServiceNotifier implements ServiceNotifier {
  private final List<String> messages = new ArrayList<>();
  private final Duration watchdog;

  /** A service manager that watches nothing. */
  public SimulatedServiceNotifier() {
    this(null);
  }

  /** A service manager that wants {@code WATCHDOG=1} at least twice per {@code watchdog}. */
  public SimulatedServiceNotifier(Duration watchdog) {
    this.watchdog = watchdog;
  }

  /** Every notification so far, oldest first, its lines joined with newlines. */
  public synchronized List<String> messages() {
    return new ArrayList<>(messages);
  }

  /** How many notifications had the line {@code assignment}, e.g. {@code READY=1}. */
  public synchronized int count(String assignment) {
    int n = 0;
    for (String m : messages) {
      if (m.lines().anyMatch(assignment::equals)) {
        n++;
      }
    }
    return n;
  }

  /** The text of the last {@code STATUS=} line, or empty. */
  public synchronized String lastStatus() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      Optional<String> s = messages.get(i).lines().filter(l -> l.startsWith("STATUS=")).findFirst();
      if (s.isPresent()) {
        return s.get().substring("STATUS=".length());
      }
    }
    return "";
  }

  private synchronized void add(String message) {
    messages.add(message);
  }

  @Override
  public String description() {
    return "simulated service manager";
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public void ready(String status) {
    add("READY=1\nSTATUS=" + status);
  }

  @Override
  public void reloading(String status) {
    add("RELOADING=1\nSTATUS=" + status);
  }

  @Override
  public void stopping(String status) {
    add("STOPPING=1\nSTATUS=" + status);
  }

  @Override
  public void status(String status) {
    add("STATUS=" + status);
  }

  @Override
  public Optional<Duration> watchdogInterval() {
    return Optional.ofNullable(watchdog);
  }

  @Override
  public void watchdog() {
    add("WATCHDOG=1");
  }
}
