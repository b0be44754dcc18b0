package io.vmpower.features;

import io.cucumber.guice.ScenarioScoped;
import io.vmpower.cli.HostApp;
import io.vmpower.cli.config.ConfigLoader;
import io.vmpower.cli.metrics.HostMetrics;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.ConfigSource;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.MetricsSettings;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.policy.PolicyEngine;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.ScenarioLoader;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import io.vmpower.hal.sim.SimulatedServiceNotifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * One scenario's world: a simulated host (in-memory channels, simulated clock), the host program
 * assembled over it exactly as the launcher does, and the output of the last command.
 */
@ScenarioScoped
public final class SimulatedWorld implements AutoCloseable {
  private Path dir;
  private SimulatedHost host;
  private HostApp app;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private int lastExit;
  private int commands;
  private Path configFile;
  private SimulatedServiceNotifier notifier;
  private String lastOut = "";
  private String lastErr = "";

  private io.vmpower.hal.sim.SimulatedQemuSockets sockets;
  private HostMetrics metrics;
  private java.net.InetSocketAddress metricsAddress;
  private PolicySettings policies =
      PolicySettings.defaults().withTimeZone(java.time.ZoneId.of("UTC"));

  /** The policy settings the host starts with (before it starts). */
  public PolicySettings policies() {
    return policies;
  }

  public void policies(PolicySettings settings) {
    if (app != null) {
      throw new IllegalStateException("the host has started: set its policy settings before");
    }
    this.policies = settings;
  }

  /**
   * Starts the host as {@code vm-power-mgr --sim} does: the built-in scenario, channels as real
   * AF_UNIX sockets with a simulated guest port beside each (a virtio-serial port).
   */
  public void startDemo() {
    try {
      dir = Files.createTempDirectory("vmpower-features-");
      host =
          new SimulatedHost(
              Scenario.defaultScenario(),
              dir,
              io.vmpower.hal.sim.SimulatedClock.followingRealTime());
      app =
          new HostApp(
              HostConfig.defaults(dir),
              io.vmpower.cli.HostMain.demoModule(host),
              new PrintWriter(out),
              new PrintWriter(err));
      sockets = new io.vmpower.hal.sim.SimulatedQemuSockets(host);
      app.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The guest port prefix of {@code vm} in the demo: ports are PREFIX.N. */
  public Path guestPortPrefix(String vm) {
    return sockets.guestSocket(vm, 0).getParent().resolve("virtio.serial.port.poweragent");
  }

  /**
   * Starts the host over the built-in scenario with the Prometheus metrics endpoint on loopback (a
   * free port), as {@code --metrics-listen 127.0.0.1:0} does.
   */
  public void startWithMetrics(com.google.inject.Module... more) {
    metrics = new HostMetrics("features-test");
    com.google.inject.Module[] all = java.util.Arrays.copyOf(more, more.length + 1);
    all[more.length] = metrics.module();
    start(null, null, all);
    metrics.collectFrom(app.injector());
    try {
      metricsAddress = metrics.start(new MetricsSettings.Address("127.0.0.1", 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The metrics endpoint's URL. */
  public java.net.URI metricsUri() {
    if (metricsAddress == null) {
      throw new IllegalStateException("the host was started without metrics");
    }
    return java.net.URI.create("http://127.0.0.1:" + metricsAddress.getPort() + "/metrics");
  }

  public HostMetrics metrics() {
    return metrics;
  }

  /** Starts the host over the built-in scenario, or over {@code scenarioYaml} when not null. */
  public void start(String scenarioYaml, HostConfig config) {
    start(scenarioYaml, config, new com.google.inject.Module[0]);
  }

  private void start(String scenarioYaml, HostConfig config, com.google.inject.Module... more) {
    try {
      dir = Files.createTempDirectory("vmpower-features-");
      Scenario scenario =
          scenarioYaml == null
              ? Scenario.defaultScenario()
              : ScenarioLoader.parse(scenarioYaml, ScenarioLoader.Format.YAML, "feature");
      host = new SimulatedHost(scenario, dir);
      HostConfig c = config == null ? HostConfig.defaults(dir) : config;
      app =
          new HostApp(
              c,
              io.vmpower.core.host.StateFile.none(),
              new SimulatedHalModule(host),
              new PrintWriter(out),
              new PrintWriter(err),
              withPolicies(more));
      app.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code more} and the module of the world's policy settings. */
  private com.google.inject.Module[] withPolicies(com.google.inject.Module... more) {
    com.google.inject.Module[] all = java.util.Arrays.copyOf(more, more.length + 1);
    all[more.length] = HostApp.policies(policies);
    return all;
  }

  public void start() {
    start(null, null);
  }

  /**
   * Starts the host as {@code vm-power-mgr --daemon --config FILE} does, over the simulated host of
   * {@code scenarioYaml} (the built-in scenario when null) with in-memory channels: the
   * configuration file {@code configYaml} is written to the scenario's folder, read by the
   * launcher's loader, and read again by each reload; the service manager is a {@link
   * SimulatedServiceNotifier}. The channel folder is the simulated host's.
   */
  public void startDaemon(String scenarioYaml, String configYaml) {
    try {
      dir = Files.createTempDirectory("vmpower-features-");
      configFile = dir.resolve("vmpower.yaml");
      Files.writeString(configFile, configYaml);
      Scenario scenario =
          scenarioYaml == null
              ? Scenario.defaultScenario()
              : ScenarioLoader.parse(scenarioYaml, ScenarioLoader.Format.YAML, "feature");
      host = new SimulatedHost(scenario, dir);
      notifier = new SimulatedServiceNotifier();
      Path folder = dir.toAbsolutePath();
      ConfigSource source =
          new ConfigSource() {
            @Override
            public String name() {
              return configFile.toString();
            }

            @Override
            public VmPowerConfig load() throws ConfigException {
              VmPowerConfig c = ConfigLoader.load(configFile, true);
              return c.withChannels(c.channels().withFolder(folder));
            }
          };
      VmPowerConfig config = source.load();
      app =
          new HostApp(
              HostConfig.from(config, dir),
              StateFile.none(),
              new RunningConfig(source, config),
              new SimulatedHalModule(host, notifier),
              new PrintWriter(out),
              new PrintWriter(err));
      app.startService();
    } catch (Exception e) {
      throw new IllegalStateException("the daemon did not start: " + e.getMessage(), e);
    }
  }

  /** The daemon's configuration file. */
  public Path configFile() {
    return configFile;
  }

  /** What the daemon told its service manager. */
  public SimulatedServiceNotifier serviceManager() {
    return notifier;
  }

  /** How many commands were run at the host's prompt ({@link #run}). */
  public int commands() {
    return commands;
  }

  public Path dir() {
    return dir;
  }

  public SimulatedHost host() {
    if (host == null) {
      start();
    }
    return host;
  }

  public HostApp app() {
    if (app == null) {
      start();
    }
    return app;
  }

  /**
   * Waits until the policy engine has run everything due at the simulated clock's time (its thread
   * evaluates on its own); at once when nothing is due.
   */
  public void settle() {
    if (app == null) {
      return;
    }
    PolicyEngine engine = app.injector().getInstance(PolicyEngine.class);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(2))
        .until(() -> engine.idleAt(host.clock().nanoTime()));
  }

  /**
   * Moves the simulated clock ahead by {@code by}, stopping at each time a policy evaluation is due
   * and letting the engine run it, so every evaluation sees its own time.
   */
  public void advance(Duration by) {
    SimulatedHost h = host();
    long end = h.clock().nanoTime() + by.toNanos();
    PolicyEngine engine = app().injector().getInstance(PolicyEngine.class);
    settle();
    while (true) {
      long now = h.clock().nanoTime();
      long to = Math.min(engine.nextDueNanos(), end);
      if (to > now) {
        h.advance(Duration.ofNanos(to - now));
      }
      settle();
      if (to >= end) {
        return;
      }
    }
  }

  /** Runs a command line at the host's prompt and keeps its output. */
  public int run(String line) {
    HostApp a = app();
    commands++;
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    lastExit = a.execute(line);
    settle();
    lastOut = out.toString();
    lastErr = err.toString();
    return lastExit;
  }

  public int lastExit() {
    return lastExit;
  }

  public String lastOut() {
    return lastOut;
  }

  public String lastErr() {
    return lastErr;
  }

  /**
   * Opens the host's control socket ({@code DIR/control.sock}), members of {@code group} allowed.
   */
  public Path openControlSocket(String group, long gid) {
    io.vmpower.hal.sim.SimulatedControlSocket sockets = controlSockets();
    sockets.defineGroup(group, gid);
    Path socket = dir().resolve("control.sock");
    try {
      app()
          .openControlSocket(
              io.vmpower.core.config.ControlSettings.defaults().withPath(socket).withGroup(group));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return socket;
  }

  public io.vmpower.hal.sim.SimulatedControlSocket controlSockets() {
    return (io.vmpower.hal.sim.SimulatedControlSocket)
        app().injector().getInstance(io.vmpower.core.hal.ControlSocket.class);
  }

  /**
   * Runs {@code vm-power-mgr ARGS} as a client would ({@code --connect ...}), connecting as {@code
   * as}, and keeps its output and exit status as the last command's.
   */
  public int runClient(io.vmpower.core.hal.ControlPeer as, String... args) {
    return runClientWithInput(as, "", args);
  }

  /** As {@link #runClient}, with {@code stdin} as its standard input (not a terminal). */
  public int runClientWithInput(io.vmpower.core.hal.ControlPeer as, String stdin, String... args) {
    controlSockets().clientIdentity(as);
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
    lastExit =
        io.vmpower.cli.HostMain.run(
            args,
            new java.io.ByteArrayInputStream(
                stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8),
            controlSockets());
    lastOut = o.toString(java.nio.charset.StandardCharsets.UTF_8);
    lastErr = e.toString(java.nio.charset.StandardCharsets.UTF_8);
    return lastExit;
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.close();
    }
    if (app != null) {
      app.shutdown();
    }
    if (sockets != null) {
      sockets.close();
    }
    if (host != null) {
      host.close();
    }
  }
}
