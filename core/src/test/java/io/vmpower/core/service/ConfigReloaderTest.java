package io.vmpower.core.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.CoreModule;
import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.ChannelSettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.ManagedVms;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.config.VmSettings;
import io.vmpower.core.config.VmsSettings;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.host.ChannelCommands;
import io.vmpower.core.host.ChannelSelection;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reload applies only what changed, refuses a broken file and says what needs a restart. */
class ConfigReloaderTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private ServiceTestHost host;
  private VmPowerConfig initial;

  @BeforeEach
  void start() throws Exception {
    host =
        new ServiceTestHost(dir)
            .domain("vm1", VmState.RUNNING, 0, 1)
            .domain("vm2", VmState.RUNNING, 0);
    initial =
        VmPowerConfig.defaults()
            .withChannels(ChannelSettings.defaults().withFolder(dir))
            .withVms(new VmsSettings(ManagedVms.listed(List.of("vm1")), null, null));
    host.build(initial);
    host.service().start();
    assertEquals(ChannelState.CONNECTED, host.state("vm1", 0));
    assertTrue(host.vm("vm2").isEmpty());
  }

  @AfterEach
  void close() {
    host.close();
  }

  private ReloadReport reload(VmPowerConfig next) throws CommandException {
    host.nextConfig(next);
    return host.service().reload();
  }

  @Test
  void aBrokenFileChangesNothingAndSaysWhy() throws Exception {
    host.nextFailure("test.yaml:3:5: unknown key 'vms.manages'; accepted: manage, ...");
    ReloadReport r = host.service().reload();

    assertFalse(r.applied());
    assertEquals(
        List.of(
            "Configuration not reloaded: test.yaml:3:5: unknown key 'vms.manages'; accepted:"
                + " manage, ...",
            "  still running on the configuration read before from test.yaml"),
        r.lines());
    assertEquals(initial, host.get(RunningConfig.class).current());
    assertEquals(ChannelState.CONNECTED, host.state("vm1", 0), "channels still attached");
    assertEquals(1, host.channel("vm1", 0).stats().get(Counter.ATTACHES));
    assertEquals(1, host.notifier.count("RELOADING=1"));
    assertEquals(2, host.notifier.count("READY=1"), "READY=1 again after the reload");
  }

  @Test
  void anUnchangedFileChangesNothing() throws Exception {
    ReloadReport r = reload(initial);
    assertEquals(List.of("Reloaded test.yaml: nothing changed"), r.lines());
    assertEquals(1, host.channel("vm1", 1).stats().get(Counter.ATTACHES), "not re-attached");
  }

  @Test
  void vmsNowManagedOrNoLongerManagedAreAttachedOrDetached() throws Exception {
    ReloadReport r =
        reload(initial.withVms(new VmsSettings(ManagedVms.listed(List.of("vm2")), null, null)));

    assertTrue(r.applied());
    assertTrue(r.changed().contains("vms.manage: [vm1] -> [vm2]"), r.changed().toString());
    assertTrue(
        r.changed()
            .contains(
                "VM 'vm1' no longer managed (vms.manage does not list it): 2"
                    + " channel(s) detached"),
        r.changed().toString());
    assertTrue(r.changed().contains("VM 'vm2' managed: 2 vCPU(s), ACTIVE"), r.changed().toString());
    assertTrue(host.vm("vm1").isEmpty());
    assertFalse(host.port("vm1", 0).hostConnected());
    assertEquals(ChannelState.CONNECTED, host.state("vm2", 0));
  }

  @Test
  void settingsChangeOnlyWhatTheFileChanged() throws Exception {
    // an operator disables channel 0 by hand; the file then disables channel 1 and allows queries
    host.get(ChannelCommands.class)
        .setChannelStatus(
            "vm1", new ChannelSelection.Listed(io.vmpower.core.cpu.CpuSet.of(0)), false);
    ReloadReport r =
        reload(
            initial.withVms(
                new VmsSettings(
                    ManagedVms.listed(List.of("vm1")),
                    null,
                    Map.of("vm1", new VmSettings(true, List.of(1))))));

    assertTrue(host.vm("vm1").orElseThrow().queryEnabled());
    assertEquals(ChannelState.DISABLED, host.state("vm1", 1));
    assertEquals(ChannelState.DISABLED, host.state("vm1", 0), "the operator's choice stays");
    assertTrue(r.changed().contains("VM 'vm1': queries enabled"), r.changed().toString());
    assertTrue(r.changed().contains("Channel vm1.1: disabled"), r.changed().toString());
    assertTrue(
        r.changed().contains("vms.settings.vm1.disabled-channels: [] -> [1]"),
        r.changed().toString());
  }

  @Test
  void aPeerNoLongerAllowedIsDetachedAndOthersStay() throws Exception {
    host.close();
    host = new ServiceTestHost(dir).domain("vm1", VmState.RUNNING, 0, 1);
    host.port("vm1", 1).peer(new PeerCredentials(1000, 1000, 77));
    host.build(initial);
    host.service().start();
    assertEquals(ChannelState.CONNECTED, host.state("vm1", 1));

    ReloadReport r =
        reload(initial.withChannels(initial.channels().withAllowedPeerUids(List.of(64055L))));

    assertEquals(ChannelState.CONNECTED, host.state("vm1", 0), "QEMU's uid: kept");
    assertEquals(1, host.channel("vm1", 0).stats().get(Counter.ATTACHES), "not re-attached");
    await().atMost(PATIENCE).until(() -> host.state("vm1", 1) == ChannelState.DISCONNECTED);
    assertTrue(host.channel("vm1", 1).stats().get(Counter.PEER_REFUSED) >= 1);
    assertTrue(
        r.changed()
            .contains("vm1.1: peer uid 1000 is no longer allowed (allowed: 64055): detached"),
        r.changed().toString());
    assertEquals(
        java.util.Set.of(64055L), host.get(ChannelRules.class).current().allowedPeerUids());
  }

  @Test
  void keysThatNeedARestartAreReportedAndLeftAsTheyAre() throws Exception {
    ReloadReport r =
        reload(
            initial
                .withWire("legacy")
                .withLibvirtUri("test:///default")
                .withChannels(initial.channels().withMaxPerVm(8)));

    assertTrue(r.applied());
    assertEquals(
        List.of(
            "libvirt-uri: qemu:///system -> test:///default (still qemu:///system)",
            "wire: dpdk -> legacy (still dpdk)"),
        r.needsRestart());
    assertEquals("dpdk", host.get(RunningConfig.class).current().wire());
    assertEquals(8, host.get(RunningConfig.class).current().channels().maxPerVm(), "applied");
    assertEquals(8, host.get(ChannelRules.class).current().maxPerVm());
    assertTrue(r.lines().get(0).startsWith("Reloaded test.yaml: 1 change(s), 2 need a restart"));
  }

  @Test
  void withoutAConfigurationFileReloadIsRefused() {
    com.google.inject.Injector plain =
        com.google.inject.Guice.createInjector(
            new CoreModule(HostConfig.defaults(dir)),
            new io.vmpower.core.testing.FakeHalModule(
                host.hypervisor, host.transport, host.cpus, host.notifier));
    CommandException e =
        assertThrows(CommandException.class, () -> plain.getInstance(HostService.class).reload());
    assertEquals(
        "reload: this host does not run from a configuration file; start it with --daemon or"
            + " --config FILE to use reload",
        e.getMessage());
  }
}
