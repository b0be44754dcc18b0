package io.vmpower.cli;

import com.google.inject.Module;
import io.vmpower.cli.config.ConfigLoader;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.ConfigSource;
import io.vmpower.core.config.ConfigValueException;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.host.StateFile;
import io.vmpower.hal.linux.LinuxHalModule;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.ScenarioLoader;
import io.vmpower.hal.sim.SimulatedClock;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the launcher makes of its options (and of the configuration file, with {@code --daemon} or
 * {@code --config}): the HAL to run on, the host's settings, the state file, and the running
 * configuration with the source a reload reads again. The options override the file, at start and
 * at each reload. Without a configuration file everything is as the options alone give it.
 *
 * <p>On the simulated host ({@code --sim}) the file's {@code libvirt-uri}, {@code sysfs-root},
 * {@code state-file} and {@code channels.folder} are not used: the simulated host has its own (the
 * channel folder is {@code --channel-dir} or a fresh folder; a state file only with {@code
 * --state-file}).
 */
final class HostSetup {
  final HostOptions options;
  final RunningConfig running;
  final HostConfig hostConfig;
  final StateFile stateFile;
  final Module module;
  final String hal;

  /** The simulated host, or null on the Linux HAL. */
  final SimulatedHost simulatedHost;

  /** What to close after the host: the simulated host. */
  final List<AutoCloseable> extras = new ArrayList<>();

  private HostSetup(
      HostOptions options,
      RunningConfig running,
      HostConfig hostConfig,
      StateFile stateFile,
      Module module,
      String hal,
      SimulatedHost simulatedHost) {
    this.options = options;
    this.running = running;
    this.hostConfig = hostConfig;
    this.stateFile = stateFile;
    this.module = module;
    this.hal = hal;
    this.simulatedHost = simulatedHost;
    if (simulatedHost != null) {
      extras.add(simulatedHost);
    }
  }

  /**
   * Reads the configuration (when the options ask for one) and prepares the HAL.
   *
   * @throws ConfigException the configuration file, or an option, cannot be used: one line
   * @throws IOException a folder of the simulated host cannot be made
   */
  static HostSetup create(HostOptions opts) throws ConfigException, IOException {
    VmPowerConfig initial = null;
    if (opts.fromConfig()) {
      initial = load(opts, UnaryOperator.identity());
    }
    if (opts.simulated()) {
      Scenario scenario =
          opts.scenarioFile() == null
              ? Scenario.defaultScenario()
              : ScenarioLoader.load(opts.scenarioFile());
      Path dir = opts.channelDir != null ? opts.channelDir : freshSimDir();
      SimulatedHost host = new SimulatedHost(scenario, dir, SimulatedClock.followingRealTime());
      String hal =
          "simulated host ("
              + (opts.scenarioFile() == null ? "built-in scenario" : opts.scenarioFile())
              + ") with real AF_UNIX channel sockets";
      StateFile state = opts.stateFile == null ? StateFile.none() : StateFile.at(opts.stateFile);
      if (initial == null) {
        return new HostSetup(
            opts,
            RunningConfig.none(),
            opts.config(dir),
            state,
            HostMain.demoModule(host),
            hal,
            host);
      }
      VmPowerConfig pinned = initial;
      UnaryOperator<VmPowerConfig> simulated =
          c ->
              c.withLibvirtUri(pinned.libvirtUri())
                  .withSysfsRoot(pinned.sysfsRoot())
                  .withStateFile(pinned.stateFile())
                  .withChannels(c.channels().withFolder(dir.toAbsolutePath()));
      VmPowerConfig config = simulated.apply(initial);
      return new HostSetup(
          opts,
          new RunningConfig(source(opts, simulated), config),
          HostConfig.from(config, dir),
          state,
          HostMain.demoModule(host),
          hal,
          host);
    }
    if (initial == null) {
      Path dir = opts.channelDir != null ? opts.channelDir : HostConfig.DEFAULT_CHANNEL_DIR;
      String uri = opts.libvirtUriOrDefault();
      Path sys = opts.sysfsRootOrDefault();
      Path state = opts.stateFileOrNull();
      return new HostSetup(
          opts,
          RunningConfig.none(),
          opts.config(dir),
          state == null ? StateFile.none() : StateFile.at(state),
          new LinuxHalModule(sys, uri),
          "Linux (libvirt " + uri + ", sysfs " + sys + ")",
          null);
    }
    return new HostSetup(
        opts,
        new RunningConfig(source(opts, UnaryOperator.identity()), initial),
        HostConfig.from(initial, initial.channels().folder()),
        StateFile.at(initial.stateFile()),
        new LinuxHalModule(initial.sysfsRoot(), initial.libvirtUri()),
        "Linux (libvirt " + initial.libvirtUri() + ", sysfs " + initial.sysfsRoot() + ")",
        null);
  }

  /** The file with the options over it, then {@code adjust}. */
  private static VmPowerConfig load(HostOptions opts, UnaryOperator<VmPowerConfig> adjust)
      throws ConfigException {
    VmPowerConfig file = ConfigLoader.load(opts.configFile(), opts.configRequired());
    try {
      return adjust.apply(opts.override(file));
    } catch (ConfigValueException e) {
      throw new ConfigException("option for " + e.key() + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("option: " + e.getMessage(), e);
    }
  }

  /** What a reload reads: the file again, with the same options over it. */
  private static ConfigSource source(HostOptions opts, UnaryOperator<VmPowerConfig> adjust) {
    return new ConfigSource() {
      @Override
      public String name() {
        return opts.configFile().toString();
      }

      @Override
      public VmPowerConfig load() throws ConfigException {
        return HostSetup.load(opts, adjust);
      }
    };
  }

  private static Path freshSimDir() throws IOException {
    return Files.createTempDirectory(
        "vmpower-sim-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** Closes what the setup made (the simulated host), after the host. */
  void closeExtras() {
    HostMain.closeAll(extras);
  }
}
