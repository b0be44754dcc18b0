package io.vmpower.core.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.testing.FakeChannelEndpoint;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeClock;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
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
}
