package io.vmpower.cli;

import com.google.inject.CreationException;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.util.Modules;
import io.vmpower.cli.config.ConfigLoader;
import io.vmpower.cli.control.ControlClient;
import io.vmpower.cli.control.ControlServer;
import io.vmpower.cli.control.RemoteShell;
import io.vmpower.cli.shell.ShellRunner;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.ControlConnectException;
import io.vmpower.core.hal.ControlSocket;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.ServiceNotifier;
import io.vmpower.core.host.StateFile;
import io.vmpower.hal.linux.channel.SocketChannelTransport;
import io.vmpower.hal.linux.control.UnixControlSocket;
import io.vmpower.hal.linux.cpufreq.SysfsCpuFrequencies;
import io.vmpower.hal.linux.systemd.SystemdServiceNotifier;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import io.vmpower.hal.sim.SimulatedQemuSockets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * {@code bin/vm-power-mgr}: the host program: the interactive {@code vm_power>} host, the daemon
 * ({@code --daemon}, see {@link HostDaemon}) and {@code --restore}.
 */
public final class HostMain {
  private HostMain() {}

  public static void main(String[] args) {
    int code = run(args, System.in, System.out, System.err);
    System.exit(code);
  }

  /** Runs the host program; returns its exit status (non-zero when any command failed). */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    return run(args, in, out, err, new UnixControlSocket());
  }

  /**
   * As {@link #run(String[], InputStream, PrintStream, PrintStream)}, with {@code --connect}
   * reaching hosts through {@code clientSockets} (the simulator's, in tests).
   */
  public static int run(
      String[] args,
      InputStream in,
      PrintStream out,
      PrintStream err,
      ControlSocket clientSockets) {
    Charset cs = Charset.defaultCharset();
    PrintWriter o = new PrintWriter(out, true, cs);
    PrintWriter e = new PrintWriter(err, true, cs);
    HostOptions opts = new HostOptions();
    CommandLine cl = new CommandLine(opts);
    cl.setOut(o);
    cl.setErr(e);
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException ex) {
      e.println("Error: " + ex.getMessage());
      e.println("Try 'vm-power-mgr --help'.");
      return 2;
    }
    if (cl.isUsageHelpRequested()) {
      cl.usage(o);
      return 0;
    }
    if (cl.isVersionHelpRequested()) {
      cl.printVersionHelp(o);
      return 0;
    }

    if (opts.connect != null) {
      return connect(opts, clientSockets, in, o, e);
    }
    if (opts.commands != null) {
      e.println("Error: -c runs a command on a running host: use it with --connect");
      e.println("Try 'vm-power-mgr --help'.");
      return 2;
    }
    if (opts.restore) {
      return restore(opts, o, e);
    }
    if (opts.simRun.given()) {
      return io.vmpower.cli.sim.SimLauncher.run(
          opts.simRun, opts.simulated(), opts.scenarioFile(), o, e);
    }
    HostAddOns addOns;
    try {
      addOns = HostAddOns.of(opts);
    } catch (IllegalArgumentException ex) {
      e.println("Error: " + ex.getMessage());
      return 2;
    }
    if (opts.daemon) {
      if (opts.script != null || opts.json) {
        e.println(
            "Error: --daemon reads no commands; --script and --json are for the interactive host");
        return 2;
      }
      return HostDaemon.run(opts, addOns, e, null);
    }
    List<AutoCloseable> extras = new ArrayList<>();
    HostApp app;
    HostSetup setup;
    try {
      setup = HostSetup.create(opts);
      extras.addAll(setup.extras);
      StateFile stateFile = setup.stateFile;
      app =
          new HostApp(
              setup.hostConfig, stateFile, setup.running, setup.module, o, e, addOns.modules());
      extras.add(0, app);
      if (opts.json) {
        app.viewMode(ViewOutput.Mode.JSON_LINE);
      }
      if (opts.simulated()) {
        SimulatedQemuSockets sockets = new SimulatedQemuSockets(setup.simulatedHost);
        extras.add(1, sockets);
        start(app, setup);
        app.capabilityReport(setup.hal).forEach(o::println);
        printGuestPorts(o, setup.simulatedHost, sockets, setup.running.fromFile());
        extras.add(0, io.vmpower.cli.sim.SimLauncher.live(app, scenarioOf(opts), sockets, o));
      } else {
        start(app, setup);
        app.capabilityReport(setup.hal).forEach(o::println);
      }
      if (opts.controlSocket != null) {
        ControlServer server =
            app.openControlSocket(
                setup.running.fromFile()
                    ? setup.running.current().control()
                    : opts.controlSettings());
        o.println("Control socket: " + server.listener().description());
      }
      if (addOns.metrics != null) {
        extras.add(0, addOns.metrics);
        o.println("Metrics: http://" + HostAddOns.hostPort(addOns.startMetrics(app)) + "/metrics");
      }
      o.println(
          stateFile.enabled()
              ? "State file: "
                  + stateFile.path()
                  + " (restore after kill -9: vm-power-mgr --restore)"
              : "State file: none (settings are restored on exit only)");
      if (setup.running.fromFile()) {
        o.println(
            "Configuration: "
                + setup.running.source().name()
                + " (its VMs are managed by the host; 'reload' or SIGHUP reads it again)");
      }
      app.notes().forEach(n -> e.println("Warning: " + n));
    } catch (ConfigException ex) {
      e.println("Error: " + ex.getMessage());
      closeAll(extras);
      return 1;
    } catch (CreationException | ProvisionException ex) {
      e.println("Error: cannot start the host: " + rootMessage(ex));
      closeAll(extras);
      return 1;
    } catch (IOException | UncheckedIOException | IllegalArgumentException ex) {
      e.println("Error: cannot start the host: " + ex.getMessage());
      closeAll(extras);
      return 1;
    } catch (Exception ex) {
      e.println("Error: cannot start the host: " + rootMessage(ex));
      closeAll(extras);
      return 1;
    }

    HostApp running = app;
    Thread hook =
        new Thread(
            () -> {
              String failure = running.shutdown();
              if (failure != null) {
                err.println("Error: restoring CPU settings failed: " + failure);
              }
              closeAll(extras);
            },
            "vmpower-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    int code;
    try {
      boolean interactive = opts.script == null && ShellRunner.terminalAttached();
      Path history =
          interactive && System.getProperty("user.home") != null
              ? Path.of(System.getProperty("user.home"), ".vm_power_history")
              : null;
      if (interactive) {
        o.println("Type 'help' for the commands, 'quit' to restore the CPUs and exit.");
      }
      code = app.shell().run(opts.script, interactive, history, in, out, err);
    } catch (IOException ex) {
      e.println("Error: " + ex.getMessage());
      code = 1;
    }
    String failure = app.shutdown();
    closeAll(extras);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // already shutting down
    }
    if (failure != null) {
      e.println("Error: restoring CPU settings failed: " + failure);
      return 1;
    }
    return code;
  }

  /**
   * {@code --connect [SOCKET]}: the shell against a running host; {@code -c} commands in order, or
   * the lines of standard input when it is not a terminal, or an interactive session. Exit status
   * as the script mode's (0, or 1 when a command failed), 2 when the host cannot be reached.
   */
  static int connect(
      HostOptions opts, ControlSocket sockets, InputStream in, PrintWriter o, PrintWriter e) {
    Path path = opts.connectPath();
    if (opts.simulated() || opts.restore) {
      e.println(
          "Error: --connect runs a client of a running host: --sim and --restore do not apply");
      return 2;
    }
    try (ControlClient client = new ControlClient(sockets, path)) {
      try {
        client.connect();
      } catch (ControlConnectException ex) {
        e.println("Error: " + connectFailure(ex));
        return RemoteShell.UNREACHABLE;
      } catch (ControlClient.RefusedException ex) {
        e.println("Error: the host at " + path + " refused this client: " + ex.getMessage());
        return RemoteShell.UNREACHABLE;
      } catch (IOException ex) {
        e.println("Error: cannot connect to " + path + ": " + ex.getMessage());
        return RemoteShell.UNREACHABLE;
      }
      RemoteShell shell = new RemoteShell(client, opts.json, o, e);
      if (opts.commands != null) {
        return shell.runCommands(opts.commands);
      }
      try {
        if (opts.script != null) {
          try (BufferedReader r = java.nio.file.Files.newBufferedReader(opts.script)) {
            return shell.runLines(r);
          }
        }
        if (ShellRunner.terminalAttached()) {
          Path history =
              System.getProperty("user.home") != null
                  ? Path.of(System.getProperty("user.home"), ".vm_power_history")
                  : null;
          o.println(
              "Connected to vmpower "
                  + client.greeting().path("vmpower").asText()
                  + " at "
                  + path
                  + ". Type 'help' for the commands, 'quit' to leave (the host keeps running).");
          try (org.jline.terminal.Terminal terminal =
              org.jline.terminal.TerminalBuilder.builder().system(true).build()) {
            return shell.runInteractive(
                terminal, history, client.greeting().path("prompt").asText(HostApp.PROMPT));
          }
        }
        return shell.runLines(
            new BufferedReader(new InputStreamReader(in, Charset.defaultCharset())));
      } catch (IOException ex) {
        e.println("Error: " + ex.getMessage());
        return ShellRunner.NO_SCRIPT;
      }
    }
  }

  /** What went wrong connecting, and what to do. */
  static String connectFailure(ControlConnectException ex) {
    Path p = ex.path();
    return switch (ex.reason()) {
      case MISSING ->
          "no control socket at "
              + p
              + ": no vmpower host is running with it. Start the host (vm-power-mgr --daemon, or"
              + " systemctl start vmpower), or give the socket it uses: --connect PATH";
      case REFUSED ->
          "connection refused at "
              + p
              + ": nothing listens on it (the host that made it has stopped). Start the host"
              + " again.";
      case FORBIDDEN ->
          "permission denied on "
              + p
              + ": run as root or as a member of the control socket's group (the host's"
              + " --control-group, or the group of the configuration's control section)";
      case NOT_A_SOCKET -> p + " is not a socket: give the control socket with --connect PATH";
      case OTHER -> ex.getMessage();
    };
  }

  /**
   * The interactive host: from its configuration file (as a service: its VMs managed by itself,
   * SIGHUP reloads) when {@code --config} is given, else exactly as the options make it.
   */
  private static void start(HostApp app, HostSetup setup) throws Exception {
    if (setup.running.fromFile()) {
      HangUpReload.install(app.service());
      app.startService();
    } else {
      app.start();
    }
  }

  /**
   * {@code --restore}: puts back the settings a killed host saved in the state file, through the
   * Linux HAL's cpufreq backend (no hypervisor, no channels), then removes the file.
   */
  static int restore(HostOptions opts, PrintWriter o, PrintWriter e) {
    if (opts.simulated()) {
      e.println("Error: --restore is for the Linux HAL: a simulated host keeps nothing after exit");
      return 2;
    }
    Path sysfsRoot = opts.sysfsRootOrDefault();
    Path statePath = opts.stateFileOrNull();
    if (opts.config != null) {
      try {
        VmPowerConfig c = opts.override(ConfigLoader.load(opts.config, true));
        sysfsRoot = c.sysfsRoot();
        statePath = c.stateFile();
      } catch (ConfigException | IllegalArgumentException ex) {
        e.println("Error: " + ex.getMessage());
        return 1;
      }
    }
    StateFile file = StateFile.at(statePath);
    try {
      Optional<StateFile.Saved> saved = file.read();
      if (saved.isEmpty()) {
        o.println("Nothing to restore: no state file at " + file.path());
        return 0;
      }
      SysfsCpuFrequencies cpus = new SysfsCpuFrequencies(sysfsRoot);
      if (!saved.get().backend().equals(cpus.description())) {
        e.println(
            "Error: "
                + file.path()
                + " was written for '"
                + saved.get().backend()
                + "', not '"
                + cpus.description()
                + "' (use the --sysfs-root of the host that wrote it)");
        return 1;
      }
      cpus.restoreSettings(saved.get().settings());
      file.delete();
      o.println(
          "Restored "
              + saved.get().settings().size()
              + " CPU setting(s) from "
              + file.path()
              + "; state file removed");
      return 0;
    } catch (IOException | FrequencyException | IllegalArgumentException ex) {
      e.println("Error: cannot restore: " + ex.getMessage());
      return 1;
    }
  }

  private static io.vmpower.hal.sim.Scenario scenarioOf(HostOptions opts) throws IOException {
    return opts.scenarioFile() == null
        ? io.vmpower.hal.sim.Scenario.defaultScenario()
        : io.vmpower.hal.sim.ScenarioLoader.load(opts.scenarioFile());
  }

  /**
   * The simulated host with the real socket transport and control socket, for the live demo, and
   * systemd's notification when {@code $NOTIFY_SOCKET} is set (a simulated daemon tells systemd
   * too).
   */
  public static Module demoModule(SimulatedHost host) {
    return Modules.override(new SimulatedHalModule(host))
        .with(
            binder -> {
              binder
                  .bind(ChannelTransport.class)
                  .toProvider(HostMain::socketTransport)
                  .in(jakarta.inject.Singleton.class);
              binder
                  .bind(ServiceNotifier.class)
                  .toProvider(SystemdServiceNotifier::fromEnvironment)
                  .in(jakarta.inject.Singleton.class);
              // real clients (--connect) reach the demo's control socket
              binder.bind(ControlSocket.class).to(UnixControlSocket.class);
            });
  }

  private static ChannelTransport socketTransport() {
    try {
      return new SocketChannelTransport();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the channel selector: " + e.getMessage(), e);
    }
  }

  private static void printGuestPorts(
      PrintWriter o, SimulatedHost host, SimulatedQemuSockets s, boolean managed) {
    o.println("Simulated guests: each channel's guest end is a socket (a virtio-serial port):");
    for (String vm : host.vmNames()) {
      for (int ch : host.channels(vm)) {
        o.println("  " + vm + "." + ch + ": " + s.guestSocket(vm, ch));
      }
    }
    if (!host.vmNames().isEmpty()) {
      String vm = host.vmNames().get(0);
      Path port = s.guestSocket(vm, 0).getParent().resolve("virtio.serial.port.poweragent");
      o.println(
          managed
              ? "Point the guest CLI at them:"
              : "Point the guest CLI at them, after add_vm "
                  + vm
                  + " and add_channels "
                  + vm
                  + " all:");
      o.println("  bin/guest-vm-power-mgr --vm-name " + vm + " --port-prefix " + port);
      o.println(
          "or a DPDK guest through socat: socat PTY,link=/dev/virtio-ports/"
              + "virtio.serial.port.poweragent.0,raw,echo=0 UNIX-CONNECT:"
              + s.guestSocket(vm, 0));
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  static void closeAll(List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort at exit
      }
    }
  }
}
