package io.vmpower.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The configuration records: their defaults, and each refusal naming the key. */
class VmPowerConfigTest {

  @Test
  void theRootDefaults() {
    VmPowerConfig c = VmPowerConfig.defaults();
    assertEquals("qemu:///system", c.libvirtUri());
    assertEquals(Path.of("/sys"), c.sysfsRoot());
    assertEquals(Path.of("/run/vmpower/state.properties"), c.stateFile());
    assertEquals("dpdk", c.wire());
    assertEquals(WireFormat.DPDK, c.wireFormat());
    assertEquals(ChannelSettings.defaults(), c.channels());
    assertEquals(VmsSettings.defaults(), c.vms());
    assertEquals(ControlSettings.defaults(), c.control());
    assertEquals(Path.of("/etc/vmpower/vmpower.yaml"), VmPowerConfig.DEFAULT_FILE);
  }

  @Test
  void theChannelDefaults() {
    ChannelSettings c = ChannelSettings.defaults();
    assertEquals(Path.of("/tmp/powermonitor"), c.folder());
    assertEquals(List.of(Path.of("/var/lib/libvirt/qemu/channel/target")), c.allowedFolders());
    assertEquals(List.of(), c.allowedPeerUids());
    assertEquals(64, c.maxPerVm());
  }

  @Test
  void theVmsDefaults() {
    VmsSettings v = VmsSettings.defaults();
    assertTrue(v.manage().auto());
    assertEquals(300, v.rescanSeconds());
    assertEquals(Map.of(), v.settings());
    assertEquals(VmSettings.defaults(), v.of("any"));
    assertFalse(VmSettings.defaults().queries());
    assertEquals(List.of(), VmSettings.defaults().disabledChannels());
  }

  @Test
  void wireIsParsedAndNamedInLowerCase() {
    assertEquals("legacy", VmPowerConfig.defaults().withWire("LEGACY").wire());
    ConfigValueException e =
        assertThrows(ConfigValueException.class, () -> VmPowerConfig.defaults().withWire("dpdk18"));
    assertEquals("wire", e.key());
    assertEquals("'dpdk18' is not a wire format; accepted: dpdk or legacy", e.getMessage());
  }

  @Test
  void pathsMustBeAbsolute() {
    ConfigValueException e =
        assertThrows(
            ConfigValueException.class,
            () -> VmPowerConfig.defaults().withSysfsRoot(Path.of("sys")));
    assertEquals("sysfs-root", e.key());
    assertEquals("'sys' is not an absolute path; give one that starts with /", e.getMessage());
    assertEquals(
        "folder",
        assertThrows(
                ConfigValueException.class,
                () -> ChannelSettings.defaults().withFolder(Path.of("powermonitor")))
            .key());
    assertEquals(
        Path.of("/tmp/x"), ChannelSettings.defaults().withFolder(Path.of("/tmp/a/../x")).folder());
  }

  @Test
  void aLibvirtUriNeedsAScheme() {
    ConfigValueException e =
        assertThrows(
            ConfigValueException.class, () -> VmPowerConfig.defaults().withLibvirtUri("system"));
    assertEquals("libvirt-uri", e.key());
    assertTrue(e.getMessage().contains("accepted: e.g. qemu:///system"), e.getMessage());
  }

  @Test
  void channelNumbersAndUidsAreBounded() {
    ConfigValueException max =
        assertThrows(ConfigValueException.class, () -> ChannelSettings.defaults().withMaxPerVm(0));
    assertEquals("max-per-vm", max.key());
    assertEquals("0 is out of range; accepted: 1 to 4096", max.getMessage());
    ConfigValueException uid =
        assertThrows(
            ConfigValueException.class,
            () -> ChannelSettings.defaults().withAllowedPeerUids(List.of(-1L)));
    assertEquals("allowed-peer-uids", uid.key());
    assertEquals(
        List.of(0L, 64055L),
        ChannelSettings.defaults()
            .withAllowedPeerUids(List.of(64055L, 0L, 64055L))
            .allowedPeerUids());
    ConfigValueException empty =
        assertThrows(
            ConfigValueException.class,
            () -> ChannelSettings.defaults().withAllowedPeerUids(Arrays.asList(1L, null)));
    assertEquals("an entry is empty (null); give a value or remove it", empty.getMessage());
    ConfigValueException disabled =
        assertThrows(ConfigValueException.class, () -> new VmSettings(true, List.of(4096)));
    assertEquals("disabled-channels", disabled.key());
  }

  @Test
  void managedVmsAreAutoOrNamesAndGlobs() {
    ManagedVms listed = ManagedVms.listed(List.of("web-*", "db1", "vm[0-3]"));
    assertFalse(listed.auto());
    assertTrue(listed.lists("web-1"));
    assertTrue(listed.lists("db1"));
    assertTrue(listed.lists("vm2"));
    assertFalse(listed.lists("vm4"));
    assertFalse(listed.lists("db10"));
    assertFalse(ManagedVms.AUTO.lists("web-1"), "auto lists no name: the XML decides");
    assertEquals("auto", ManagedVms.AUTO.toString());
    ConfigValueException glob =
        assertThrows(ConfigValueException.class, () -> ManagedVms.listed(List.of("vm[")));
    assertEquals("manage", glob.key());
    assertTrue(glob.getMessage().contains("is not a valid glob"), glob.getMessage());
    assertThrows(ConfigValueException.class, () -> ManagedVms.listed(List.of("a/b")));
    assertThrows(ConfigValueException.class, () -> new ManagedVms(true, List.of("x")));
  }

  @Test
  void perVmSettingsAreSortedAndDeduplicated() {
    VmSettings s = new VmSettings(true, List.of(3, 1, 3));
    assertTrue(s.queries());
    assertEquals(List.of(1, 3), s.disabledChannels());
    assertTrue(s.channelDisabled(3));
    assertFalse(s.channelDisabled(2));
  }

  @Test
  void theHostConfigOfAFile() {
    VmPowerConfig file =
        VmPowerConfig.defaults()
            .withWire("legacy")
            .withChannels(
                ChannelSettings.defaults().withAllowedPeerUids(List.of(64055L)).withMaxPerVm(8));
    HostConfig h = HostConfig.from(file, Path.of("/srv/ch"));
    assertEquals(Path.of("/srv/ch"), h.channelDir());
    assertEquals(WireFormat.LEGACY, h.wireFormat());
    assertEquals(8, h.maxChannelsPerVm());
    assertEquals(Set.of(64055L), h.allowedPeerUids());
    assertEquals(List.of(ChannelSettings.LIBVIRT_CHANNEL_FOLDER), h.allowedChannelDirs());
  }
}
