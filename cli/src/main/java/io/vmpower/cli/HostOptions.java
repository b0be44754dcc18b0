package io.vmpower.cli;

import io.vmpower.core.BuildInfo;
import io.vmpower.core.config.ChannelSettings;
import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.config.DriftSettings;
import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.MetricsSettings;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** The host program's command-line options. */
@Command(
    name = "vm-power-mgr",
    mixinStandardHelpOptions = true,
    versionProvider = HostOptions.Version.class,
    description = {
      "The vmpower host: a channel monitor serving guests' frequency requests, and the vm_power>"
          + " CLI.",
      "Without --sim it uses the Linux HAL (libvirt, cpufreq sysfs, AF_UNIX sockets).",
      "With --daemon it runs as a service from its configuration file (docs/configuration.md)."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every command succeeded (and the CPUs were restored)",
      "1:a command failed, the host could not start, or restoring failed",
      "2:bad options"
    },
    footerHeading = "%nFiles and environment:%n",
    footer = {
      "/tmp/powermonitor/{vm}.{n}: the channel sockets QEMU binds (--channel-dir).",
      "/run/vmpower/state.properties: the CPU settings to put back (--state-file, --restore).",
      "/run/vmpower/control.sock: the control socket (--control-socket, --connect); the"
          + " vmpower group may use it when the host is given --control-group vmpower.",
      "VMPOWER_JAVA_OPTS: options for the JVM after the launcher's, e.g."
          + " -Dvmpower.log.level=DEBUG.",
      "VMPOWER_CDS=0: start without the class-data sharing archive."
    },
    sortOptions = false)
public final class HostOptions {

  /** {@code --version}: the build's version ({@link BuildInfo}). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vmpower " + BuildInfo.version()};
    }
  }

  @Option(
      names = "--sim",
      arity = "0..1",
      paramLabel = "SCENARIO_FILE",
      fallbackValue = "",
      description =
          "Run on the simulated host: the built-in default scenario, or a YAML/JSON scenario file.")
  String sim;

  /** {@code --run}, {@code --report}, {@code --compare}, {@code --seed} (accelerated runs). */
  @picocli.CommandLine.Mixin
  io.vmpower.cli.sim.SimRunOptions simRun = new io.vmpower.cli.sim.SimRunOptions();

  @Option(
      names = "--daemon",
      description =
          "Run as a service, in the foreground with no shell: serve every VM of the configuration"
              + " (--config) by itself until SIGTERM or SIGINT; SIGHUP reloads the configuration;"
              + " tells systemd when it is ready ($NOTIFY_SOCKET); logs to standard error for"
              + " journald.")
  boolean daemon;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The configuration file (YAML, see docs/configuration.md); options given here override"
              + " it. Default with --daemon: /etc/vmpower/vmpower.yaml (which may be missing)."
              + " Without --daemon the host then also manages the file's VMs by itself.")
  Path config;

  @Option(
      names = "--libvirt-uri",
      paramLabel = "URI",
      description = "libvirt connection URI (default: qemu:///system).")
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
      description = "The folder that stands for /sys (default: /sys).")
  Path sysfsRoot;

  @Option(
      names = "--wire",
      paramLabel = "dpdk|legacy",
      description =
          "Request format guests speak: dpdk (464 bytes, ACK/NACK replies) or legacy (16 bytes, no"
              + " replies). Default: dpdk.")
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
      description = "Channels per VM: numbers 0 to N-1 (default: 64).")
  Integer maxChannels;

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

  @Option(
      names = "--control-socket",
      paramLabel = "PATH",
      description =
          "Open the control socket at PATH: clients (--connect) run vm_power> commands on this host."
              + " With --connect: the socket to connect to.")
  Path controlSocket;

  @Option(
      names = "--control-group",
      paramLabel = "GROUP",
      description =
          "Members of GROUP (name or number) may use the control socket too (default: root only).")
  String controlGroup;

  @Option(
      names = "--connect",
      arity = "0..1",
      paramLabel = "SOCKET",
      fallbackValue = "",
      description =
          "Open the vm_power> shell on a running host through its control socket (default: "
              + "/run/vmpower/control.sock).")
  String connect;

  @Option(
      names = "-c",
      paramLabel = "COMMAND",
      description =
          "With --connect: run COMMAND on the host and exit (repeat -c for more, run in order).")
  List<String> commands;

  @Option(
      names = "--json",
      description =
          "Print each show_* command's view, and verify's, as one line of JSON (see"
              + " docs/control-protocol.md).")
  boolean json;

  /** The control socket's settings: the defaults with the options' path and group. */
  public ControlSettings controlSettings() {
    ControlSettings s = ControlSettings.defaults();
    if (controlSocket != null) {
      s = s.withPath(controlSocket);
    }
    if (controlGroup != null) {
      s = s.withGroup(controlGroup);
    }
    return s;
  }

  /** The socket {@code --connect} uses: its value, else --control-socket, else the default. */
  public Path connectPath() {
    if (connect != null && !connect.isEmpty()) {
      return Path.of(connect);
    }
    return controlSocket != null ? controlSocket : ControlSettings.DEFAULT_PATH;
  }

  @Option(
      names = "--metrics-listen",
      paramLabel = "ADDR:PORT",
      description =
          "Serve Prometheus metrics at http://ADDR:PORT/metrics (:PORT alone: loopback,"
              + " 127.0.0.1). Default: no endpoint.")
  String metricsListen;

  @Option(
      names = "--drift-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "How often to check that the CPU settings vmpower manages still hold what it wrote"
              + " (0: never; verify still works). Default: ${DEFAULT-VALUE}.")
  String driftInterval;

  @Option(
      names = "--drift-action",
      paramLabel = "adopt|reapply",
      defaultValue = "adopt",
      description =
          "What to do about a setting changed by someone else: adopt it as vmpower's own, or"
              + " reapply vmpower's value. Default: ${DEFAULT-VALUE}.")
  String driftAction;

  @Option(
      names = "--energy-interval",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "How often to sample the energy counters, so no counter wrap is missed (0: only when"
              + " show_energy runs or Prometheus scrapes). Default: ${DEFAULT-VALUE}.")
  String energyInterval;

  /** The energy sampling settings from --energy-interval. */
  public EnergySettings energy() {
    try {
      return new EnergySettings(seconds("--energy-interval", energyInterval));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage().startsWith("--")
              ? e.getMessage()
              : "--energy-interval: " + e.getMessage());
    }
  }

  /** A number of seconds (decimals allowed), 0 to one day, as a duration in ms. */
  private static java.time.Duration seconds(String option, String text) {
    java.math.BigDecimal seconds;
    try {
      seconds = new java.math.BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + ": '" + text + "' is not a number of seconds (e.g. 10, 0.5, 0)");
    }
    if (seconds.signum() < 0 || seconds.compareTo(java.math.BigDecimal.valueOf(86_400)) > 0) {
      throw new IllegalArgumentException(
          option + ": " + text + " is out of range: 0 (off) to 86400 seconds");
    }
    return java.time.Duration.ofMillis(seconds.movePointRight(3).longValue());
  }

  /** The drift check's settings from --drift-interval and --drift-action. */
  public DriftSettings drift() {
    java.time.Duration interval = seconds("--drift-interval", driftInterval);
    try {
      return new DriftSettings(interval, DriftSettings.Action.parse(driftAction));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          (e.getMessage().startsWith("unknown drift action")
                  ? "--drift-action: "
                  : "--drift-interval: ")
              + e.getMessage());
    }
  }

  /** The metrics endpoint's settings (off unless --metrics-listen is given). */
  public MetricsSettings metrics() {
    return metricsListen == null ? MetricsSettings.OFF : new MetricsSettings(metricsListen);
  }

  /** The default state file of the Linux HAL. */
  public static final Path DEFAULT_STATE_FILE = VmPowerConfig.DEFAULT_STATE_FILE;

  /**
   * The state file in use without a configuration file: the option, else the default for the Linux
   * HAL, else none.
   */
  public Path stateFileOrNull() {
    if (stateFile != null) {
      return stateFile;
    }
    return simulated() ? null : DEFAULT_STATE_FILE;
  }

  /** Whether the host runs from a configuration file: {@code --daemon} or {@code --config}. */
  public boolean fromConfig() {
    return daemon || config != null;
  }

  /** The configuration file: {@code --config}, else the default one. */
  public Path configFile() {
    return config != null ? config : VmPowerConfig.DEFAULT_FILE;
  }

  /** Whether the configuration file must exist: it does when {@code --config} names it. */
  public boolean configRequired() {
    return config != null;
  }

  /** The libvirt URI without a configuration file: the option, else the default. */
  public String libvirtUriOrDefault() {
    return libvirtUri != null ? libvirtUri : VmPowerConfig.DEFAULT_LIBVIRT_URI;
  }

  /** The sysfs root without a configuration file: the option, else the default. */
  public Path sysfsRootOrDefault() {
    return sysfsRoot != null ? sysfsRoot : VmPowerConfig.DEFAULT_SYSFS_ROOT;
  }

  /**
   * A configuration with the options given here in place of the file's: {@code --libvirt-uri},
   * {@code --sysfs-root}, {@code --state-file}, {@code --wire}, {@code --channel-dir} (the channel
   * folder), {@code --allowed-uid} (the one allowed uid), {@code --max-channels}.
   *
   * @throws io.vmpower.core.config.ConfigValueException when an option's value is refused
   */
  public VmPowerConfig override(VmPowerConfig file) {
    VmPowerConfig c = file;
    if (libvirtUri != null) {
      c = c.withLibvirtUri(libvirtUri);
    }
    if (sysfsRoot != null) {
      c = c.withSysfsRoot(sysfsRoot.toAbsolutePath());
    }
    if (stateFile != null) {
      c = c.withStateFile(stateFile.toAbsolutePath());
    }
    if (wire != null) {
      c = c.withWire(wire);
    }
    ChannelSettings ch = c.channels();
    if (channelDir != null) {
      ch = ch.withFolder(channelDir.toAbsolutePath());
    }
    if (allowedUid != null) {
      ch = ch.withAllowedPeerUids(List.of(allowedUid));
    }
    if (maxChannels != null) {
      ch = ch.withMaxPerVm(maxChannels);
    }
    ControlSettings control = c.control();
    if (controlSocket != null) {
      control = control.withPath(controlSocket.toAbsolutePath());
    }
    if (controlGroup != null) {
      control = control.withGroup(controlGroup);
    }
    return c.withChannels(ch).withControl(control);
  }

  public boolean simulated() {
    return sim != null;
  }

  /** The scenario file, or null for the built-in one. */
  public Path scenarioFile() {
    return sim == null || sim.isEmpty() ? null : Path.of(sim);
  }

  /**
   * The policy settings: the defaults, with the time zone and dedicated CPUs given.
   *
   * @throws IllegalArgumentException naming the option and what is accepted
   */
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

  /** The host's settings without a configuration file, as the options give them. */
  public HostConfig config(Path dir) {
    return HostConfig.defaults(dir)
        .withWireFormat(WireFormat.parse(wire == null ? WireFormat.DPDK.optionName() : wire))
        .withMaxChannelsPerVm(
            maxChannels == null ? ChannelSettings.DEFAULT_MAX_PER_VM : maxChannels)
        .withAllowedPeerUids(allowedUid == null ? Set.of() : Set.of(allowedUid));
  }
}
