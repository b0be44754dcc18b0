package io.vmpower.core.policy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a VM's policies did, across replacements of its policy: evaluations that decided, decisions
 * that changed a CPU's frequency, evaluations whose source failed (the last safe frequency was
 * held), and policy packets and commands that installed or removed a policy.
 */
public final class PolicyCounters {
  private final AtomicLong decisions = new AtomicLong();
  private final AtomicLong changes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong installs = new AtomicLong();
  private final AtomicLong removals = new AtomicLong();

  void decided(boolean changed) {
    decisions.incrementAndGet();
    if (changed) {
      changes.incrementAndGet();
    }
  }

  void failed() {
    failures.incrementAndGet();
  }

  void installed() {
    installs.incrementAndGet();
  }

  void removed() {
    removals.incrementAndGet();
  }

  public long decisions() {
    return decisions.get();
  }

  public long changes() {
    return changes.get();
  }

  public long failures() {
    return failures.get();
  }

  public long installs() {
    return installs.get();
  }

  public long removals() {
    return removals.get();
  }

  /** A copy of the counts, for views. */
  public Snapshot snapshot() {
    return new Snapshot(decisions(), changes(), failures(), installs(), removals());
  }

  /** The counts at one moment. */
  public record Snapshot(
      long decisions, long changes, long failures, long installs, long removals) {}
}
