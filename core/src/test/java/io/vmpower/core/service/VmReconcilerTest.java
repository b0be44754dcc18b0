package io.vmpower.core.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.ChannelSettings;
import io.vmpower.core.config.ManagedVms;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.config.VmSettings;
import io.vmpower.core.config.VmsSettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.host.VmCommands;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.VmRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's own add_vm / add_channels, driven by the fake hypervisor's events. */
class VmReconcilerTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private ServiceTestHost host;

  @AfterEach
  void close() {
    if (host != null) {
      host.close();
    }
  }

  private VmPowerConfig config(VmsSettings vms) {
    return VmPowerConfig.defaults()
        .withChannels(ChannelSettings.defaults().withFolder(dir))
        .withVms(vms);
  }

  private ServiceTestHost started(ServiceTestHost h, VmsSettings vms) throws Exception {
    host = h.build(config(vms));
    host.service().start();
    return host;
  }

  private ServiceTestHost started(ServiceTestHost h) throws Exception {
    return started(h, VmsSettings.defaults());
  }

  @Test
  void autoManagesEveryVmWhoseDefinitionNamesPowerChannels() throws Exception {
    started(
        new ServiceTestHost(dir)
            .domain("vm1", VmState.RUNNING, 0, 1)
            .domain("plain", VmState.RUNNING)
            .domain("off", VmState.SHUT_OFF, 0));

    assertEquals(ChannelState.CONNECTED, host.state("vm1", 0));
    assertEquals(ChannelState.CONNECTED, host.state("vm1", 1));
    assertTrue(host.vm("plain").isEmpty(), "no power channel: not managed");
    assertTrue(host.vm("off").isPresent(), "shut off, but its definition names channels");
    assertNull(host.channel("off", 0), "nothing to attach while it is off");
    assertEquals(List.of("off", "vm1"), host.get(VmReconciler.class).managedNames());
  }

  @Test
  void aVmThatStartsLaterIsAttachedAndOneThatStopsIsDetached() throws Exception {
    started(new ServiceTestHost(dir).domain("vm1", VmState.SHUT_OFF, 0));

    host.transport.listen(host.socket("vm1", 0));
    host.hypervisor.start("vm1");
    await().atMost(PATIENCE).until(() -> host.state("vm1", 0) == ChannelState.CONNECTED);

    host.port("vm1", 0).hangUp();
    host.hypervisor.stop("vm1");
    await().atMost(PATIENCE).until(() -> host.state("vm1", 0) == ChannelState.DISCONNECTED);
    int attempts = host.transport.openAttempts();
    await()
        .during(Duration.ofMillis(600))
        .atMost(PATIENCE)
        .until(() -> host.transport.openAttempts() == attempts);
    assertEquals(
        1, host.channel("vm1", 0).stats().get(Counter.ATTACHES), "kept, with its counters");

    host.transport.listen(host.socket("vm1", 0));
    host.hypervisor.start("vm1");
    await().atMost(PATIENCE).until(() -> host.state("vm1", 0) == ChannelState.CONNECTED);
    assertEquals(2, host.channel("vm1", 0).stats().get(Counter.ATTACHES));
  }

  @Test
  void aSocketThatAppearsLaterIsAttachedByItself() throws Exception {
    host = new ServiceTestHost(dir);
    host.hypervisor.channels("vm1", Map.of(0, host.socket("vm1", 0)));
    host.hypervisor.define("vm1", VmState.RUNNING, CpuSet.of(1));
    started(host);
    assertEquals(ChannelState.DISCONNECTED, host.state("vm1", 0));
    assertTrue(host.channel("vm1", 0).lastError().contains("no such socket"));

    host.transport.listen(host.socket("vm1", 0));
    await().atMost(PATIENCE).until(() -> host.state("vm1", 0) == ChannelState.CONNECTED);
  }

  @Test
  void aVmDefinedLaterIsPickedUpAndOneUndefinedIsForgotten() throws Exception {
    started(new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0));

    host.domain("late", VmState.RUNNING, 3);
    await().atMost(PATIENCE).until(() -> host.state("late", 3) == ChannelState.CONNECTED);

    host.hypervisor.stop("vm1");
    host.hypervisor.undefine("vm1");
    await().atMost(PATIENCE).until(() -> host.vm("vm1").isEmpty());
    assertEquals(List.of("late"), host.get(VmReconciler.class).managedNames());
  }

  @Test
  void aSocketOutsideTheAllowedFoldersIsRefusedAndReported() throws Exception {
    host = new ServiceTestHost(dir);
    Path elsewhere = dir.resolveSibling(dir.getFileName() + "-elsewhere").resolve("vm1.1");
    host.transport.listen(host.socket("vm1", 0));
    host.transport.listen(elsewhere);
    host.hypervisor.channels(
        "vm1",
        new DomainChannels(
            List.of(
                new DomainChannel(0, host.socket("vm1", 0)),
                new DomainChannel(1, elsewhere),
                new DomainChannel(64, host.socket("vm1", 64))),
            List.of("port 'virtio.serial.port.poweragent.x' has no valid channel number")));
    host.hypervisor.define("vm1", VmState.RUNNING, CpuSet.of(1));
    started(host);

    assertEquals(ChannelState.CONNECTED, host.state("vm1", 0));
    assertNull(host.channel("vm1", 1), "outside the folders: not attached");
    assertNull(host.channel("vm1", 64));
    assertEquals(0, host.transport.port(elsewhere).hostConnected() ? 1 : 0);
    List<String> refused = host.get(VmReconciler.class).refused().get("vm1");
    assertEquals(3, refused.size(), refused.toString());
    assertTrue(refused.get(0).contains("no valid channel number"), refused.get(0));
    assertTrue(
        refused.get(1).startsWith("channel 1 at " + elsewhere + " refused: not inside an allowed"),
        refused.get(1));
    assertTrue(refused.get(2).contains("channel numbers run 0-63"), refused.get(2));
  }

  @Test
  void listedVmsWithoutPowerChannelsInTheirDefinitionTakeTheFolderConvention() throws Exception {
    host = new ServiceTestHost(dir);
    host.hypervisor.define("web-1", VmState.RUNNING, CpuSet.of(1));
    host.hypervisor.define("db", VmState.RUNNING, CpuSet.of(1));
    for (String f : List.of("web-1.0", "web-1.2", "web-1.x", "db.0")) {
      Files.createFile(dir.resolve(f));
      host.transport.listen(dir.resolve(f));
    }
    started(host, new VmsSettings(ManagedVms.listed(List.of("web-*")), null, null));

    assertEquals(ChannelState.CONNECTED, host.state("web-1", 0));
    assertEquals(ChannelState.CONNECTED, host.state("web-1", 2));
    assertEquals(2, host.vm("web-1").orElseThrow().channels().size());
    assertTrue(host.vm("db").isEmpty(), "not listed");
    assertTrue(
        host.get(VmReconciler.class).refused().get("web-1").get(0).contains("skipped 'web-1.x'"));
  }

  @Test
  void settingsApplyToTheVmAndItsChannels() throws Exception {
    started(
        new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0, 1),
        new VmsSettings(null, null, Map.of("vm1", new VmSettings(true, List.of(1)))));

    assertTrue(host.vm("vm1").orElseThrow().queryEnabled());
    assertEquals(ChannelState.CONNECTED, host.state("vm1", 0));
    assertEquals(ChannelState.DISABLED, host.state("vm1", 1));
  }

  @Test
  void aVmAddedByAnOperatorIsLeftToTheOperator() throws Exception {
    host = new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0);
    host.build(config(VmsSettings.defaults()));
    host.get(VmCommands.class).addVm("vm1");
    host.service().start();

    assertTrue(host.vm("vm1").orElseThrow().channels().isEmpty(), "no channel added for it");
    assertFalse(host.get(VmReconciler.class).managedNames().contains("vm1"));
  }

  @Test
  void afterTheConnectionComesBackEveryDomainIsReadAgain() throws Exception {
    started(new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0));
    host.hypervisor.loseConnection("libvirtd restarted");
    host.domain("late", VmState.RUNNING, 0); // its event is lost: reading it fails meanwhile
    assertTrue(host.vm("late").isEmpty());
    assertEquals(ChannelState.CONNECTED, host.state("vm1", 0), "still served meanwhile");

    host.hypervisor.restoreConnection();
    await().atMost(PATIENCE).until(() -> host.state("late", 0) == ChannelState.CONNECTED);
  }

  @Test
  void theRegistryHoldsOnlyWhatTheReconcilerRegistered() throws Exception {
    started(new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0));
    assertEquals(List.of("vm1"), host.get(VmRegistry.class).names());
  }
}
