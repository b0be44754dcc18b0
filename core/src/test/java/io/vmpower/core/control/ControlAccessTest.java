package io.vmpower.core.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.ControlPeer;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ControlAccessTest {
  private final ControlAccess withGroup = new ControlAccess(0, 995, "vmpower");
  private final ControlAccess rootOnly = new ControlAccess(0, -1, "");

  @Test
  void rootMayAlwaysConnect() {
    assertNull(withGroup.refusal(ControlPeer.of(0, 0, 1)));
    assertNull(rootOnly.refusal(ControlPeer.of(0, 1000, 1)));
  }

  @Test
  void theUserTheHostRunsAsMayConnect() {
    assertNull(new ControlAccess(1000, -1, "").refusal(ControlPeer.of(1000, 1000, 7)));
  }

  @Test
  void membersOfTheGroupByPrimaryOrSupplementaryGroupMayConnect() {
    assertNull(withGroup.refusal(ControlPeer.of(1000, 995, 7)));
    assertNull(withGroup.refusal(new ControlPeer(1000, 1000, 7, Set.of(27L, 995L), true)));
  }

  @Test
  void othersAreRefusedWithTheReason() {
    String r = withGroup.refusal(new ControlPeer(65534, 65534, 9, Set.of(), true));
    assertNotNull(r);
    assertTrue(r.contains("uid 65534"), r);
    assertTrue(r.contains("group 'vmpower' (gid 995)"), r);
    String unknownGroups = withGroup.refusal(ControlPeer.of(1000, 1000, 9));
    assertTrue(unknownGroups.contains("supplementary groups are unknown"), unknownGroups);
    String root = rootOnly.refusal(ControlPeer.of(1000, 0, 9));
    assertTrue(root.contains("only root may use this control socket"), root);
  }

  @Test
  void unknownCredentialsAreRefused() {
    assertNotNull(withGroup.refusal(ControlPeer.UNKNOWN));
  }
}
