package io.vmpower.hal.linux.libvirt;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait between attempts to reconnect to libvirt: {@code initial} first, doubling up to
 * {@code max}.
 */
public record LibvirtBackoff(Duration initial, Duration max) {
  /** 0.5 s, 1 s, 2 s, ... up to 30 s. */
  public static final LibvirtBackoff DEFAULT =
      new LibvirtBackoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  public LibvirtBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial back-off must be positive, not " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "maximum back-off " + max + " is shorter than the initial " + initial);
    }
  }

  /** The wait after one of {@code previous}. */
  public Duration next(Duration previous) {
    if (previous.compareTo(max.dividedBy(2)) >= 0) {
      return max;
    }
    return previous.multipliedBy(2);
  }
}
