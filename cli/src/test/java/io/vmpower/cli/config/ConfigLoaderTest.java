package io.vmpower.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.ManagedVms;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.config.VmSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The configuration file, read strictly: every refusal is one line with file, line and column. */
class ConfigLoaderTest {
  @TempDir Path dir;

  private static String refusal(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "f.yaml"))
        .getMessage();
  }

  @Test
  void readsEverySection() throws Exception {
    VmPowerConfig c =
        ConfigLoader.parse(
            String.join(
                "\n",
                "libvirt-uri: test:///srv/node.xml",
                "sysfs-root: /srv/sys",
                "state-file: /srv/state.properties",
                "wire: legacy",
                "channels:",
                "  folder: /srv/ch",
                "  allowed-folders: [/srv/more]",
                "  allowed-peer-uids:",
                "    - 64055",
                "    - 0",
                "  max-per-vm: 8",
                "vms:",
                "  manage: [web-*, db1]",
                "  rescan-seconds: 5",
                "  settings:",
                "    web-1:",
                "      queries: true",
                "      disabled-channels: [2, 1]",
                "control:",
                "  path: /srv/control.sock",
                "  group: vmpower",
                "  mode: 0600",
                ""),
            "f.yaml");
    assertEquals("test:///srv/node.xml", c.libvirtUri());
    assertEquals(Path.of("/srv/sys"), c.sysfsRoot());
    assertEquals(Path.of("/srv/state.properties"), c.stateFile());
    assertEquals("legacy", c.wire());
    assertEquals(Path.of("/srv/ch"), c.channels().folder());
    assertEquals(List.of(Path.of("/srv/more")), c.channels().allowedFolders());
    assertEquals(List.of(0L, 64055L), c.channels().allowedPeerUids());
    assertEquals(8, c.channels().maxPerVm());
    assertEquals(ManagedVms.listed(List.of("web-*", "db1")), c.vms().manage());
    assertEquals(5, c.vms().rescanSeconds());
    assertEquals(new VmSettings(true, List.of(1, 2)), c.vms().of("web-1"));
    assertEquals(Path.of("/srv/control.sock"), c.control().path());
    assertEquals("vmpower", c.control().group());
    assertEquals("0600", c.control().mode(), "an unquoted octal mode keeps its digits");
  }

  @Test
  void anEmptyFileOrOneOfCommentsIsEveryDefault() throws Exception {
    assertEquals(VmPowerConfig.defaults(), ConfigLoader.parse("", "f.yaml"));
    assertEquals(VmPowerConfig.defaults(), ConfigLoader.parse("# all defaults\n\n", "f.yaml"));
    assertEquals(VmPowerConfig.defaults(), ConfigLoader.parse("channels:\nvms: {}\n", "f.yaml"));
    assertEquals(ManagedVms.AUTO, ConfigLoader.parse("vms:\n  manage: auto\n", "f").vms().manage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown key | libvirt_uri: x | f.yaml:1:1: unknown key 'libvirt_uri'; accepted here:"
            + " channels, control, libvirt-uri, state-file, sysfs-root, vms, wire",
        "unknown nested key | channels:\\n  max_per_vm: 3 | f.yaml:2:3: unknown key"
            + " 'channels.max_per_vm'; accepted here: allowed-folders, allowed-peer-uids, folder,"
            + " max-per-vm",
        "out of range | channels:\\n  max-per-vm: 5000 | f.yaml:2:15: channels.max-per-vm: 5000"
            + " is out of range; accepted: 1 to 4096",
        "wrong type | channels:\\n  max-per-vm: abc | f.yaml:2:15: channels.max-per-vm: 'abc' is"
            + " not a whole number",
        "a fraction | vms:\\n  rescan-seconds: 2.5 | f.yaml:2:19: vms.rescan-seconds: '2.5' is not"
            + " a whole number",
        "relative path | sysfs-root: sys | f.yaml:1:13: sysfs-root: 'sys' is not an absolute"
            + " path; give one that starts with /",
        "bad wire | wire: dpdk18 | f.yaml:1:7: wire: 'dpdk18' is not a wire format; accepted:"
            + " dpdk or legacy",
        "bad boolean | vms:\\n  settings:\\n    vm1:\\n      queries: maybe | f.yaml:4:16:"
            + " vms.settings.vm1.queries: 'maybe' is not true or false",
        "a section as a value | channels: 5 | f.yaml:1:11: channels: expected a section of 'key:"
            + " value' lines",
        "a scalar for a list | channels:\\n  allowed-peer-uids: 64055 | f.yaml:2:22:"
            + " channels.allowed-peer-uids: expected a list, like [a, b] or one '- item' per line",
        "bad uid | channels:\\n  allowed-peer-uids: [1, -3] | f.yaml:2:22:"
            + " channels.allowed-peer-uids: -3 is not a uid; accepted: 0 to 4294967294",
        "manage word | vms:\\n  manage: all | f.yaml:2:11: vms.manage: 'all' is neither auto nor a"
            + " list (a single name is written [all]); accepted: auto, or a list of VM names and"
            + " globs like [vm1, web-*]",
        "bad mode | control:\\n  mode: '0999' | f.yaml:2:3: control: control socket mode '0999' is not"
            + " an octal mode such as 0660",
        "duplicate key | wire: dpdk\\nwire: legacy | f.yaml:2:5: the key 'wire' is given twice;"
            + " give each key once",
        "not YAML | wire: 'dpdk | f.yaml:1:5: not valid YAML: while scanning a quoted scalar;"
            + " found unexpected end of stream",
        "policies not yet | policies: {} | f.yaml:1:1: unknown key 'policies'; accepted here:"
            + " channels, control, libvirt-uri, state-file, sysfs-root, vms, wire (the policies"
            + " section comes with the policy engine: see docs/configuration.md)",
      })
  void aBadFileIsRefusedWithWhereWhatAndWhatIsAccepted(String what, String yaml, String error) {
    assertEquals(error, refusal(yaml.replace("\\n", "\n")), what);
  }

  @Test
  void theFileIsNamedInEveryError() throws Exception {
    Path f = dir.resolve("vmpower.yaml");
    Files.writeString(f, "wire: x\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, true));
    assertEquals(
        f + ":1:7: wire: 'x' is not a wire format; accepted: dpdk or legacy", e.getMessage());
  }

  @Test
  void aMissingFileIsTheDefaultsOnlyWhenNotNamed() throws Exception {
    Path missing = dir.resolve("none.yaml");
    assertEquals(VmPowerConfig.defaults(), ConfigLoader.load(missing, false));
    assertEquals(
        missing + ": no such file",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, true)).getMessage());
  }

  @Test
  void aFileThatIsNotTextOrTooLongIsRefused() throws Exception {
    Path binary = dir.resolve("bin.yaml");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
    assertEquals(
        binary + ": not UTF-8 text",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(binary, true)).getMessage());
    Path big = dir.resolve("big.yaml");
    Files.write(big, new byte[(int) ConfigLoader.MAX_BYTES + 1]);
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(big, true))
            .getMessage()
            .contains("is too long for a configuration file"));
    Path folder = Files.createDirectory(dir.resolve("folder.yaml"));
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(folder, true))
            .getMessage()
            .startsWith(folder + ": cannot read it"));
  }
}
