package io.vmpower.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.testing.FakeChannelEndpoint;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's per-channel links: found by channel, reached from the endpoint, never leaked. */
class ChannelLinksTest {
  @TempDir Path dir;

  private final FakeClock clock = new FakeClock();
  private final FakeChannelTransport transport = new FakeChannelTransport();
  private final VmRegistry registry = new VmRegistry();
  private final Vm vm1 = new Vm(new VmInfo("vm1", VmState.RUNNING, 1, List.of(CpuSet.of(0))));

  private ChannelLinks links() {
    registry.add(vm1);
    HostConfig config = HostConfig.defaults(dir);
    return new ChannelLinks(
        transport, new ChannelRules(config), clock, registry, new Reattacher(config, clock));
  }

  @Test
  void theEndpointLeadsToTheLinkAndTheLinkToItsChannel() throws Exception {
    ChannelLinks links = links();
    Channel c = vm1.addChannel(0, dir.resolve("vm1.0"));
    transport.listen(c.path());

    links.attach(c);

    ChannelLink link = links.find(c);
    assertSame(c, link.channel);
    FakeChannelEndpoint ep = (FakeChannelEndpoint) link.endpoint;
    assertSame(link, ep.attachment());
    assertEquals(ChannelState.CONNECTED, c.state());
  }

  @Test
  void aFailedFirstAttachLeavesNoLinkBehind() {
    ChannelLinks links = links();
    Channel c = vm1.addChannel(0, dir.resolve("vm1.0"));

    assertThrows(IOException.class, () -> links.attach(c));

    assertNull(links.find(c));
  }

  @Test
  void detachForgetsTheLink() throws Exception {
    ChannelLinks links = links();
    Channel c = vm1.addChannel(0, dir.resolve("vm1.0"));
    transport.listen(c.path());
    links.attach(c);

    links.detach(c);

    assertNull(links.find(c));
    assertEquals(0, transport.openEndpoints());
    assertEquals(ChannelState.DISCONNECTED, c.state());
  }

  @Test
  void aHungUpChannelRemovedFromItsVmIsForgottenWhenItsAttemptIsDue() throws Exception {
    ChannelLinks links = links();
    Channel c = vm1.addChannel(0, dir.resolve("vm1.0"));
    transport.listen(c.path());
    links.attach(c);
    links.hangUp(links.find(c), "peer hung up");
    vm1.removeChannel(0);
    int attempts = transport.openAttempts();

    clock.advance(Duration.ofSeconds(1));
    links.reattachDue();

    assertNull(links.find(c));
    assertEquals(attempts, transport.openAttempts());
  }

  @Test
  void anAdoptedChannelWhoseSocketIsMissingIsRetriedByItself() {
    ChannelLinks links = links();
    Channel c = vm1.addChannel(0, dir.resolve("vm1.0"));

    assertFalse(links.adopt(c));
    assertEquals(ChannelState.DISCONNECTED, c.state());
    assertTrue(c.lastError().contains("no such socket"), c.lastError());

    transport.listen(c.path());
    clock.advance(Duration.ofMillis(100));
    links.reattachDue();
    assertEquals(ChannelState.CONNECTED, c.state());
    assertTrue(links.adopt(c), "adopting again leaves it as it is");
    assertEquals(1, transport.opens());
  }

  @Test
  void aReloadedRuleDropsAPeerItNoLongerAllows() throws Exception {
    registry.add(vm1);
    HostConfig config = HostConfig.defaults(dir);
    ChannelRules rules = new ChannelRules(config);
    ChannelLinks links =
        new ChannelLinks(transport, rules, clock, registry, new Reattacher(config, clock));
    Channel qemu = vm1.addChannel(0, dir.resolve("vm1.0"));
    Channel other = vm1.addChannel(1, dir.resolve("vm1.1"));
    transport.listen(qemu.path());
    transport.listen(other.path()).peer(new PeerCredentials(1000, 1000, 5));
    links.attach(qemu);
    links.attach(other);

    rules.set(new ChannelRules.Rules(dir, java.util.List.of(), java.util.Set.of(64055L, 0L), 64));
    java.util.List<String> dropped = links.recheckPeers();

    assertEquals(
        java.util.List.of(
            "vm1.1: peer uid 1000 is no longer allowed (allowed: 0, 64055): detached"),
        dropped);
    assertEquals(ChannelState.CONNECTED, qemu.state());
    assertEquals(ChannelState.DISCONNECTED, other.state());
    assertEquals(1, other.stats().get(Counter.PEER_REFUSED));
    clock.advance(Duration.ofSeconds(1));
    links.reattachDue();
    assertEquals(ChannelState.DISCONNECTED, other.state(), "its re-attach is refused too");
    assertEquals(2, other.stats().get(Counter.PEER_REFUSED));
  }
}
