package io.vmpower.core.testing;

import io.vmpower.core.hal.ServiceNotifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A service manager that records every notification, as {@code KEY=VALUE} lines per message. */
public final class FakeServiceNotifier implements ServiceNotifier {
  private final List<String> messages = new ArrayList<>();
  private final Duration watchdog;

  /** Without a watchdog. */
  public FakeServiceNotifier() {
    this(null);
  }

  /** Asking for {@link #watchdog()} at least twice per {@code watchdog} (null: none). */
  public FakeServiceNotifier(Duration watchdog) {
    this.watchdog = watchdog;
  }

  /** Every message so far, oldest first, each its lines joined with newlines. */
  public synchronized List<String> messages() {
    return new ArrayList<>(messages);
  }

  /** How many messages contained {@code assignment} (a whole line, e.g. {@code WATCHDOG=1}). */
  public synchronized int count(String assignment) {
    int n = 0;
    for (String m : messages) {
      if (m.lines().anyMatch(assignment::equals)) {
        n++;
      }
    }
    return n;
  }

  private synchronized void add(String message) {
    messages.add(message);
  }

  @Override
  public String description() {
    return "fake service manager";
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
