package io.vmpower.core.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeerCredentialsTest {

  @Test
  void aPidKnownNowIsPrintedAndComparedAsGiven() {
    PeerCredentials p = new PeerCredentials(64055, 64055, 4242);
    assertEquals("uid=64055 gid=64055 pid=4242", p.toString());
    assertEquals(new PeerCredentials(64055, 64055, 4242), p);
    assertEquals(new PeerCredentials(64055, 64055, 4242).hashCode(), p.hashCode());
    assertNotEquals(new PeerCredentials(64055, 64055, 4243), p);
    assertEquals("uid=0 gid=0 pid=?", new PeerCredentials(0, 0, -1).toString());
    assertEquals("unknown", PeerCredentials.UNKNOWN.toString());
    assertFalse(PeerCredentials.UNKNOWN.known());
  }

  @Test
  void theIdsNeverLookUpThePid() {
    AtomicInteger lookups = new AtomicInteger();
    PeerCredentials p =
        PeerCredentials.withPidLookup(
            0,
            27,
            () -> {
              lookups.incrementAndGet();
              return 14676;
            });

    assertEquals(0, p.uid());
    assertEquals(27, p.gid());
    assertTrue(p.known());
    assertEquals("uid=0 gid=27", p.idsToString());
    assertEquals(0, lookups.get());

    assertEquals("uid=0 gid=27 pid=14676", p.toString());
    assertEquals(14676, p.pid());
    assertEquals(new PeerCredentials(0, 27, 14676), p);
    assertEquals(1, lookups.get(), "looked up once, then kept");
  }

  @Test
  void aPidThatCannotBeFoundIsAQuestionMarkAndIsNotLookedUpAgain() {
    AtomicInteger lookups = new AtomicInteger();
    PeerCredentials p =
        PeerCredentials.withPidLookup(
            1000,
            1000,
            () -> {
              lookups.incrementAndGet();
              return -1;
            });

    assertEquals("uid=1000 gid=1000 pid=?", p.toString());
    assertEquals(-1, p.pid());
    assertEquals(new PeerCredentials(1000, 1000, -1), p);
    assertEquals(1, lookups.get());
  }
}
