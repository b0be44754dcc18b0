package io.vmpower.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.cli.control.CommandExecutor;
import io.vmpower.cli.control.ControlServer;
import io.vmpower.cli.shell.ShellRunner;
import io.vmpower.core.CoreModule;
import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.ControlListener;
import io.vmpower.core.hal.ControlSocket;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.host.HostLifecycle;
import io.vmpower.core.host.PolicyCommands;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.service.HostService;
import io.vmpower.core.service.Service;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One host, assembled: the injector over the core and a HAL module, the running monitor, and the
 * {@code vm_power>} command line, whose commands all run on one {@link CommandExecutor} thread,
 * and, when opened, the control socket's server, whose clients' commands run there too. Run from a
 * configuration file, it starts as a service ({@link #startService}). The launcher and the
 * acceptance tests both drive it.
 */
public final class HostApp implements AutoCloseable {
  private final Injector injector;
  private final HostLifecycle lifecycle;
  private final HostService service;
  private final CommandLine commandLine;
  private final ShellRunner shell;
  private final CommandExecutor executor;
  private volatile ControlServer control;
  private volatile boolean serviceStarted;

  /** The host CLI's prompt. */
  public static final String PROMPT = "vm_power> ";

  /** The version the control socket's greeting names. */
  public static final String VERSION = "0.1.0";

  public HostApp(HostConfig config, Module hal, PrintWriter out, PrintWriter err) {
    this(config, StateFile.none(), hal, out, err);
  }

  /** A host over {@code hal}, with {@code more} modules (e.g. the metrics' timers) added. */
  public HostApp(
      HostConfig config,
      StateFile stateFile,
      Module hal,
      PrintWriter out,
      PrintWriter err,
      Module... more) {
    this(config, stateFile, RunningConfig.none(), hal, out, err, more);
  }

  /**
   * A host that runs from {@code running}'s configuration when it comes from a file (then {@link
   * #startService} starts it as a service), or an interactive host as the options alone make it
   * ({@link RunningConfig#none()}); with {@code more} modules added.
   */
  public HostApp(
      HostConfig config,
      StateFile stateFile,
      RunningConfig running,
      Module hal,
      PrintWriter out,
      PrintWriter err,
      Module... more) {
    List<Module> modules = new ArrayList<>();
    modules.add(new CoreModule(config, stateFile, running));
    modules.add(hal);
    modules.addAll(List.of(more));
    this.injector = Guice.createInjector(modules);
    this.lifecycle = injector.getInstance(HostLifecycle.class);
    this.service = injector.getInstance(HostService.class);
    HostCommands commands = injector.getInstance(HostCommands.class);
    GuiceFactory factory = new GuiceFactory(injector);
    this.commandLine = new CommandLine(commands, factory);
    // commands of their own concern, in classes of their own
    commandLine.addSubcommand(injector.getInstance(VerifyCommand.class));
    commandLine.addSubcommand(injector.getInstance(ShowEnergyCommand.class));
    commandLine.addSubcommand(new CommandLine(injector.getInstance(ReloadCommand.class), factory));
    PolicyCli.addTo(commandLine, factory);
    io.vmpower.cli.sim.SimCommands.addTo(commandLine, factory);
    this.shell = new ShellRunner(commandLine, PROMPT);
    injector.getInstance(io.vmpower.cli.sim.SimCommands.Access.class).shell(shell);
    this.executor = new CommandExecutor(shell, injector.getInstance(ViewOutput.class));
    shell.setGate(executor);
    commandLine.setParameterExceptionHandler(
        new HostParameterErrors(commandLine.getParameterExceptionHandler()));
    // after the shell added help and quit, so that they write here too
    commandLine.setOut(out);
    commandLine.setErr(err);
  }

  /** The module that gives the host {@code settings} for its policies (instead of the defaults). */
  public static Module policies(PolicySettings settings) {
    return binder ->
        OptionalBinder.newOptionalBinder(binder, PolicySettings.class)
            .setBinding()
            .toInstance(settings);
  }

  /** Start-up messages an operator must see (state file problems, settings put back). */
  public List<String> notes() {
    return lifecycle.notes();
  }

  /** Starts the monitor thread and the hypervisor event subscription. */
  public HostApp start() {
    lifecycle.start();
    return this;
  }

  /**
   * Starts the host as a service from its configuration (see {@link HostService}): every managed VM
   * served with no command, the bound services and {@code more} (e.g. {@link
   * #controlService(ControlSettings)}) started, the service manager told it is ready. The command
   * thread is closed with the services, before the channels close.
   *
   * @throws Exception when it cannot start; {@link #shutdown()} then stops what started
   */
  public HostApp startService(Service... more) throws Exception {
    serviceStarted = true;
    List<Service> all = new ArrayList<>();
    all.add(commandThread());
    all.addAll(List.of(more));
    service.start(all);
    return this;
  }

  /** The host as a service: status, reload, stop. */
  public HostService service() {
    return service;
  }

  /**
   * Opens the control socket with {@code settings} and serves it: its clients' commands run one at
   * a time with the prompt's. Call after {@link #start()}.
   */
  public ControlServer openControlSocket(ControlSettings settings) throws IOException {
    ControlListener listener = injector.getInstance(ControlSocket.class).listen(settings);
    ControlServer server =
        new ControlServer(
            listener,
            settings,
            executor,
            shell,
            VERSION,
            PROMPT,
            dpdkInstructions(injector.getInstance(PolicyCommands.class)));
    control = server;
    return server.start();
  }

  /**
   * The control socket as a service of {@link #startService}: opened once the VMs are managed and
   * before the service manager hears READY=1, closed (its clients first) when the host stops.
   */
  public Service controlService(ControlSettings settings) {
    return new Service() {
      @Override
      public String name() {
        return "control socket " + settings.path();
      }

      @Override
      public void start() throws IOException {
        openControlSocket(settings);
      }

      @Override
      public void close() {
        ControlServer c = control;
        if (c != null) {
          c.close();
        }
      }
    };
  }

  /**
   * The command thread as a service: closed after the control socket, a running command let end.
   */
  private Service commandThread() {
    return new Service() {
      @Override
      public String name() {
        return "command thread";
      }

      @Override
      public void start() {}

      @Override
      public void close() {
        executor.close();
      }
    };
  }

  /**
   * DPDK's JSON instructions ({@link DpdkJson}) on the control socket: status 0 with what was done,
   * 1 when it could not be done (an unknown VM, a refused policy), 2 when the JSON is not one.
   */
  static ControlServer.Instructions dpdkInstructions(PolicyCommands policies) {
    return line -> {
      DpdkJson.Request request;
      try {
        request = DpdkJson.parse(line);
      } catch (IllegalArgumentException e) {
        return new CommandExecutor.Outcome(
            2, List.of(), List.of("Error: JSON instruction: " + e.getMessage()), null);
      }
      DpdkJson.Result r = DpdkJson.execute(request, policies);
      return r.ok()
          ? new CommandExecutor.Outcome(0, List.of(r.message()), List.of(), null)
          : new CommandExecutor.Outcome(1, List.of(), List.of("Error: " + r.message()), null);
    };
  }

  /** The control socket's server, or null when none is open. */
  public ControlServer controlServer() {
    return control;
  }

  /** How the prompt's and a script's {@code show_*} commands print: text or JSON lines. */
  public void viewMode(ViewOutput.Mode mode) {
    executor.localMode(mode);
  }

  public Injector injector() {
    return injector;
  }

  public CommandLine commandLine() {
    return commandLine;
  }

  /** The shell over the host's commands (interactive, stdin lines or script). */
  public ShellRunner shell() {
    return shell;
  }

  /** Whether {@code quit} was run. */
  public boolean quitRequested() {
    return shell.quitRequested();
  }

  /**
   * Runs one command line as typed at the prompt (words split on white space); returns its exit
   * code (0 when it succeeded). Blank lines and {@code #} comments do nothing.
   */
  public int execute(String line) {
    return shell.execute(line);
  }

  /** The start-up report: the HAL's capabilities, then what policies will use. */
  public List<String> capabilityReport(String hal) {
    List<String> lines =
        new ArrayList<>(
            CapabilityReport.lines(
                hal,
                injector.getInstance(CpuFrequencies.class),
                injector.getInstance(Hypervisor.class),
                injector.getInstance(ChannelTransport.class),
                injector.getInstance(HostConfig.class),
                injector.getInstance(EnergyCounters.class)));
    PolicySettings p = injector.getInstance(PolicySettings.class);
    io.vmpower.core.hal.VmStatistics stats =
        injector.getInstance(io.vmpower.core.hal.VmStatistics.class);
    lines.add(
        "Policies: VM statistics from "
            + stats.description()
            + "; TIME hours in "
            + p.timeZone().getId()
            + "; dedicated CPUs "
            + (p.dedicatedCpus().isEmpty() ? "none" : p.dedicatedCpus().toListString())
            + "; BRANCH_RATIO "
            + (stats.hasBranchCounters() ? "available" : "not available (no branch counters)"));
    return lines;
  }

  /**
   * Closes the control socket (its clients first), lets a running command finish, then closes
   * channels and restores every CPU; returns the restore failure or null. A host started as a
   * service stops as one ({@link HostService#stop()}: STOPPING=1, its services in reverse order).
   */
  public String shutdown() {
    if (serviceStarted) {
      return service.stop();
    }
    ControlServer c = control;
    if (c != null) {
      c.close();
    }
    executor.close();
    return lifecycle.shutdown();
  }

  @Override
  public void close() {
    shutdown();
  }
}
