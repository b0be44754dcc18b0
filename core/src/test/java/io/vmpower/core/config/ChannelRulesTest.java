package io.vmpower.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelRulesTest {
  private final ChannelRules.Rules rules =
      new ChannelRules.Rules(
          Path.of("/tmp/powermonitor"),
          List.of(Path.of("/var/lib/libvirt/qemu/channel/target")),
          Set.of(64055L, 0L),
          64);

  @Test
  void aSocketMustBeInsideAnAllowedFolder() {
    assertTrue(rules.pathAllowed(Path.of("/tmp/powermonitor/vm1.0")));
    assertTrue(
        rules.pathAllowed(
            Path.of("/var/lib/libvirt/qemu/channel/target/domain-3-vm1/virtio.serial.port.x")));
    assertFalse(rules.pathAllowed(Path.of("/tmp/vm1.0")), "beside the folder");
    assertFalse(rules.pathAllowed(Path.of("/tmp/powermonitor")), "the folder itself");
    assertFalse(rules.pathAllowed(Path.of("/tmp/powermonitor/../etc/x")), "out through ..");
    assertFalse(rules.pathAllowed(Path.of("/tmp/powermonitorX/vm1.0")), "a longer name");
    assertFalse(rules.pathAllowed(Path.of("powermonitor/vm1.0")), "relative");
  }

  @Test
  void peersAreCheckedAgainstTheUids() {
    assertTrue(rules.peerAllowed(64055));
    assertTrue(rules.peerAllowed(0));
    assertFalse(rules.peerAllowed(1000));
    assertEquals("0, 64055", rules.uidList());
    ChannelRules.Rules any =
        ChannelRules.Rules.of(HostConfig.defaults(Path.of("/tmp/powermonitor")));
    assertTrue(any.peerAllowed(1000));
    assertTrue(any.peerAllowed(-1), "no rule: even an unknown peer");
  }

  @Test
  void aReloadReplacesTheRules() {
    ChannelRules live = new ChannelRules(HostConfig.defaults(Path.of("/tmp/powermonitor")));
    assertEquals(64, live.current().maxPerVm());
    live.set(rules);
    assertEquals(rules, live.current());
    assertEquals(
        List.of(Path.of("/tmp/powermonitor"), Path.of("/var/lib/libvirt/qemu/channel/target")),
        live.current().folders());
  }
}
