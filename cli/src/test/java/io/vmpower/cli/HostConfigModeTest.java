package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher with a configuration file (--config, --daemon), on the simulated host. */
class HostConfigModeTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String input, String... args) {
    return HostMain.run(
        args,
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withAConfigurationTheHostManagesItsVmsAndReloads() throws Exception {
    Path config = Files.writeString(dir.resolve("vmpower.yaml"), "vms:\n  manage: [vm1]\n");
    int code =
        run(
            "show_vms\nreload\n",
            "--sim",
            "--channel-dir",
            dir.resolve("ch").toString(),
            "--config",
            config.toString());

    assertEquals(0, code, err());
    assertTrue(
        out()
            .contains(
                "Configuration: "
                    + config
                    + " (its VMs are managed by the host; 'reload' or SIGHUP reads it again)"),
        out());
    assertTrue(
        out().contains("vm1                  ACTIVE        2        2         2     off"), out());
    assertTrue(!out().contains("vm2 "), "vm2 is not listed in vms.manage: " + out());
    assertTrue(out().contains("Reloaded " + config + ": nothing changed"), out());
    assertTrue(out().contains("Point the guest CLI at them:\n"), "no add_vm needed: " + out());
  }

  @Test
  void withoutAConfigurationReloadIsRefusedAndNothingIsManaged() {
    int code = run("show_vms\nreload\n", "--sim", "--channel-dir", dir.resolve("ch").toString());

    assertEquals(1, code);
    assertTrue(
        err()
            .contains(
                "Error: reload: this host does not run from a configuration file; start it with"
                    + " --daemon or --config FILE to use reload"),
        err());
    assertTrue(out().startsWith("vmpower host: simulated host"), out());
    assertTrue(!out().contains("Configuration:"), out());
    assertTrue(out().contains("No VMs added. Add one with: add_vm NAME"), out());
  }

  @Test
  void aBadConfigurationIsOneLineAndExitStatusOne() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"), "channels:\n  max-per-vm: 0\n");
    assertEquals(1, run("", "--daemon", "--sim", "--config", config.toString()));
    assertEquals(
        "Error: " + config + ":2:15: channels.max-per-vm: 0 is out of range; accepted: 1 to 4096\n",
        err());
    assertEquals("", out());
  }

  @Test
  void aMissingNamedConfigurationIsAnError() {
    Path missing = dir.resolve("missing.yaml");
    assertEquals(1, run("", "--sim", "--config", missing.toString()));
    assertEquals("Error: " + missing + ": no such file\n", err());
  }

  @Test
  void anOptionOverridesTheFileAndIsCheckedLikeIt() throws Exception {
    Path config = Files.writeString(dir.resolve("c.yaml"), "channels:\n  max-per-vm: 8\n");
    assertEquals(1, run("", "--sim", "--config", config.toString(), "--max-channels", "5000"));
    assertEquals(
        "Error: option for max-per-vm: 5000 is out of range; accepted: 1 to 4096\n", err());
  }

  @Test
  void theDaemonTakesNoScript() {
    assertEquals(2, run("", "--daemon", "--script", "x"));
    assertEquals(
        "Error: --daemon reads no commands; --script and --json are for the interactive host\n",
        err());
  }
}
