package io.vmpower.cli;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The host program's command-line options. */
@Command(
    name = "vm-power-mgr",
    mixinStandardHelpOptions = true,
    version = "vmpower 0.1.0",
    description = {
      "The vmpower host: a channel monitor serving guests' frequency requests, and the vm_power>"
          + " CLI.",
      "Without --sim it uses the Linux HAL (libvirt, cpufreq sysfs, AF_UNIX sockets)."
    },
    sortOptions = false)
public final class HostOptions {

  @Option(
      names = "--sim",
      arity = "0..1",
      paramLabel = "SCENARIO_FILE",
      fallbackValue = "",
      description =
          "Run on the simulated host: the built-in default scenario, or a YAML/JSON scenario file.")
  String sim;

  @Option(
      names = "--libvirt-uri",
      paramLabel = "URI",
      defaultValue = "qemu:///system",
      description = "libvirt connection URI (default: ${DEFAULT-VALUE}).")
  String libvirtUri;

  @Option(
      names = "--channel-dir",
      paramLabel = "DIR",
      description =
          "Folder of the channel sockets {vm}.{n} (default: /tmp/powermonitor; with --sim a fresh"
              + " folder under the temp dir).")
  Path channelDir;

  @Option(
      names = "--sysfs-root",
      paramLabel = "DIR",
      defaultValue = "/sys",
      description = "The folder that stands for /sys (default: ${DEFAULT-VALUE}).")
  Path sysfsRoot;

  @Option(
      names = "--wire",
      paramLabel = "dpdk|legacy",
      defaultValue = "dpdk",
      description =
          "Request format guests speak: dpdk (464 bytes, ACK/NACK replies) or legacy (16 bytes, no"
              + " replies). Default: ${DEFAULT-VALUE}.")
  String wire;

  @Option(
      names = "--script",
      paramLabel = "FILE",
      description = "Run the commands in FILE, then quit.")
  Path script;

  @Option(
      names = "--allowed-uid",
      paramLabel = "UID",
      description = "Attach only channels whose peer (QEMU) runs as this uid; others are refused.")
  Long allowedUid;

  @Option(
      names = "--max-channels",
      paramLabel = "N",
      defaultValue = "64",
      description = "Channels per VM: numbers 0 to N-1 (default: ${DEFAULT-VALUE}).")
  int maxChannels;

  @Option(
      names = "--restore",
      description =
          "Put back the CPU settings saved in the state file by a host that was killed (kill -9),"
              + " then exit.")
  boolean restore;

  @Option(
      names = "--state-file",
      paramLabel = "FILE",
      description =
          "Where the CPU settings found at start are saved, before the first change (default:"
              + " /run/vmpower/state.properties; none with --sim).")
  Path stateFile;

  /** The default state file of the Linux HAL. */
  public static final Path DEFAULT_STATE_FILE = Path.of("/run/vmpower/state.properties");

  /** The state file in use: the option, else the default for the Linux HAL, else none. */
  public Path stateFileOrNull() {
    if (stateFile != null) {
      return stateFile;
    }
    return simulated() ? null : DEFAULT_STATE_FILE;
  }

  public boolean simulated() {
    return sim != null;
  }

  /** The scenario file, or null for the built-in one. */
  public Path scenarioFile() {
    return sim == null || sim.isEmpty() ? null : Path.of(sim);
  }

  public HostConfig config(Path dir) {
    return HostConfig.defaults(dir)
        .withWireFormat(WireFormat.parse(wire))
        .withMaxChannelsPerVm(maxChannels)
        .withAllowedPeerUids(allowedUid == null ? Set.of() : Set.of(allowedUid));
  }
}
