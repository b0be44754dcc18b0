package io.vmpower.hal.linux.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LibvirtBackoffTest {

  @Test
  void defaultDoublesFromHalfASecondUpTo30Seconds() {
    List<Long> waits = new ArrayList<>();
    Duration d = LibvirtBackoff.DEFAULT.initial();
    for (int i = 0; i < 9; i++) {
      waits.add(d.toMillis());
      d = LibvirtBackoff.DEFAULT.next(d);
    }
    assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L), waits);
  }

  @Test
  void rejectsNonPositiveInitialAndMaxBelowInitial() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LibvirtBackoff(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LibvirtBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
