package io.vmpower.cli;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.OptionalLong;
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

  @Option(
      names = "--time-zone",
      paramLabel = "ZONE",
      description =
          "Time zone of TIME policies' hours, e.g. Europe/Paris or UTC (default: the system's).")
  String timeZone;

  @Option(
      names = "--dedicated-cpus",
      paramLabel = "LIST",
      description =
          "CPUs dedicated to VMs (cpulist, e.g. 4-15): those no running VM is pinned to run at"
              + " their lowest frequency, and are raised before a VM pinned to them starts.")
  String dedicatedCpus;

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

  /** The policy settings: the defaults, with the time zone and dedicated CPUs given. */
  public PolicySettings policySettings() {
    PolicySettings s = PolicySettings.defaults();
    if (timeZone != null) {
      try {
        s = s.withTimeZone(ZoneId.of(timeZone));
      } catch (java.time.DateTimeException e) {
        throw new IllegalArgumentException(
            "--time-zone '" + timeZone + "' is not a time zone: use e.g. UTC or Europe/Paris");
      }
    }
    if (dedicatedCpus != null) {
      try {
        s = s.withDedicatedCpus(CpuSet.parseList(dedicatedCpus));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--dedicated-cpus: " + e.getMessage());
      }
    }
    return s;
  }

  public HostConfig config(Path dir) {
    return HostConfig.defaults(dir)
        .withWireFormat(WireFormat.parse(wire))
        .withMaxChannelsPerVm(maxChannels)
        .withAllowedPeerUid(
            allowedUid == null ? OptionalLong.empty() : OptionalLong.of(allowedUid));
  }
}
