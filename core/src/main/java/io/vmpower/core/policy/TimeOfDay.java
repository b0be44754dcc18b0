package io.vmpower.core.policy;

import io.vmpower.core.hal.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** The hour of day in a time zone on the HAL clock, and when the next hour starts. */
final class TimeOfDay {
  private TimeOfDay() {}

  /** The local hour (0-23) in {@code zone} at the clock's {@link Clock#currentTimeMillis()}. */
  static int hour(Clock clock, ZoneId zone) {
    return Instant.ofEpochMilli(clock.currentTimeMillis()).atZone(zone).getHour();
  }

  /** The clock's {@link Clock#nanoTime()} at which the next local hour of {@code zone} starts. */
  static long nextHourNanos(Clock clock, ZoneId zone) {
    long nowMillis = clock.currentTimeMillis();
    long nowNanos = clock.nanoTime();
    ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(zone);
    ZonedDateTime next = now.truncatedTo(ChronoUnit.HOURS).plusHours(1);
    long millis = next.toInstant().toEpochMilli() - nowMillis;
    return nowNanos + Math.max(1, millis) * 1_000_000L;
  }
}
