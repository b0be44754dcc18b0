package io.vmpower.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The drift check: how often the host compares every setting it manages with what it last wrote,
 * and what it does about a difference.
 *
 * @param interval how often the check runs (default 10 s); zero turns the timer off ({@code verify}
 *     still works)
 * @param action {@link Action#ADOPT} (default) or {@link Action#REAPPLY}
 */
public record DriftSettings(Duration interval, Action action) {
  /** What the host does about a setting someone else changed. */
  public enum Action {
    /**
     * Takes the outside value as its own: a frequency set from outside becomes the current one that
     * the next request scales from (as reading it back before each change does).
     */
    ADOPT,
    /** Writes its own value again. */
    REAPPLY;

    /** {@code adopt} or {@code reapply}, strictly. */
    public static Action parse(String text) {
      for (Action a : values()) {
        if (a.name().toLowerCase(Locale.ROOT).equals(text)) {
          return a;
        }
      }
      throw new IllegalArgumentException(
          "unknown drift action '" + text + "': use adopt or reapply");
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final DriftSettings DEFAULTS = new DriftSettings(DEFAULT_INTERVAL, Action.ADOPT);

  public DriftSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(action, "action");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("the drift check interval must not be negative");
    }
    if (!interval.isZero() && interval.toMillis() < 100) {
      throw new IllegalArgumentException(
          "the drift check interval must be 0 (off) or at least 100 ms, got " + interval);
    }
  }

  public boolean timerOn() {
    return !interval.isZero();
  }
}
