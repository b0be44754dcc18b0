package io.vmpower.core.monitor;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * When each DISCONNECTED channel is tried again: {@link HostConfig#reattachMin()} after a hang-up,
 * doubling with each failed attempt up to {@link HostConfig#reattachMax()}; at once when the
 * transport or the hypervisor says the socket may be back. Monitor thread only; it schedules, and
 * {@link ChannelLinks} does the attaching.
 */
final class Reattacher {
  private final HostConfig config;
  private final Clock clock;
  private final List<ChannelLink> waiting = new ArrayList<>();

  /** The links handed out by {@link #takeDue}, reused so that a turn allocates nothing. */
  private final List<ChannelLink> due = new ArrayList<>();

  Reattacher(HostConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Schedules the next attempt of {@code link}, after the back-off of its failed attempts. */
  void schedule(ChannelLink link) {
    long delay = config.reattachMin().toNanos() << Math.min(link.attempts, 20);
    delay = Math.min(delay, config.reattachMax().toNanos());
    link.nextAttemptNanos = clock.nanoTime() + delay;
    if (!link.waiting) {
      link.waiting = true;
      waiting.add(link);
    }
  }

  /** Makes the attempt of a waiting {@code link} due now (its VM just started). */
  void retryNow(ChannelLink link) {
    if (link.waiting) {
      link.nextAttemptNanos = clock.nanoTime();
    }
  }

  /** Makes the attempt of every waiting link at {@code path} due now (the transport's hint). */
  void hint(Path path) {
    for (int i = 0; i < waiting.size(); i++) {
      ChannelLink link = waiting.get(i);
      if (link.channel.path().equals(path)) {
        link.nextAttemptNanos = clock.nanoTime();
      }
    }
  }

  /** Stops trying {@code link} (detached, or its channel is gone). */
  void forget(ChannelLink link) {
    if (link.waiting) {
      link.waiting = false;
      waiting.remove(link);
    }
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** When the soonest attempt is due; {@link Long#MAX_VALUE} when none waits. */
  long soonest() {
    long soonest = Long.MAX_VALUE;
    for (int i = 0; i < waiting.size(); i++) {
      soonest = Math.min(soonest, waiting.get(i).nextAttemptNanos);
    }
    return soonest;
  }

  /**
   * Takes the links whose attempt is due at {@code now} off the schedule and returns them (a list
   * reused by the next call); a failed attempt is put back with {@link #schedule}.
   */
  List<ChannelLink> takeDue(long now) {
    due.clear();
    for (int i = 0; i < waiting.size(); i++) {
      ChannelLink link = waiting.get(i);
      if (link.nextAttemptNanos - now <= 0) {
        link.waiting = false;
        waiting.remove(i--);
        due.add(link);
      }
    }
    return due;
  }

  void clear() {
    for (int i = 0; i < waiting.size(); i++) {
      waiting.get(i).waiting = false;
    }
    waiting.clear();
  }
}
