package io.vmpower.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.vmpower.cli.shell.ShellRunner;
import io.vmpower.core.CoreModule;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.host.HostLifecycle;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.service.HostService;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * One host, assembled: the injector over the core and a HAL module, the running monitor, and the
 * {@code vm_power>} command line. The launcher and the acceptance tests both drive it.
 */
public final class HostApp implements AutoCloseable {
  private final Injector injector;
  private final HostLifecycle lifecycle;
  private final HostService service;
  private final CommandLine commandLine;
  private final ShellRunner shell;
  private volatile boolean serviceStarted;

  /** The host CLI's prompt. */
  public static final String PROMPT = "vm_power> ";

  public HostApp(HostConfig config, Module hal, PrintWriter out, PrintWriter err) {
    this(config, StateFile.none(), hal, out, err);
  }

  public HostApp(
      HostConfig config, StateFile stateFile, Module hal, PrintWriter out, PrintWriter err) {
    this(config, stateFile, RunningConfig.none(), hal, out, err);
  }

  /**
   * A host that runs from {@code running}'s configuration when it comes from a file (then {@link
   * #startService()} starts it as a service), or an interactive host as the options alone make it
   * ({@link RunningConfig#none()}).
   */
  public HostApp(
      HostConfig config,
      StateFile stateFile,
      RunningConfig running,
      Module hal,
      PrintWriter out,
      PrintWriter err) {
    this.injector = Guice.createInjector(new CoreModule(config, stateFile, running), hal);
    this.lifecycle = injector.getInstance(HostLifecycle.class);
    this.service = injector.getInstance(HostService.class);
    HostCommands commands = injector.getInstance(HostCommands.class);
    GuiceFactory factory = new GuiceFactory(injector);
    this.commandLine = new CommandLine(commands, factory);
    commandLine.addSubcommand(new CommandLine(injector.getInstance(ReloadCommand.class), factory));
    this.shell = new ShellRunner(commandLine, PROMPT);
    commandLine.setParameterExceptionHandler(
        new HostParameterErrors(commandLine.getParameterExceptionHandler()));
    // after the shell added help and quit, so that they write here too
    commandLine.setOut(out);
    commandLine.setErr(err);
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
   * served with no command, its services started, the service manager told it is ready.
   *
   * @throws Exception when it cannot start; {@link #shutdown()} then stops what started
   */
  public HostApp startService() throws Exception {
    serviceStarted = true;
    service.start();
    return this;
  }

  /** The host as a service: status, reload, stop. */
  public HostService service() {
    return service;
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

  /** The start-up report. */
  public List<String> capabilityReport(String hal) {
    return CapabilityReport.lines(
        hal,
        injector.getInstance(CpuFrequencies.class),
        injector.getInstance(Hypervisor.class),
        injector.getInstance(ChannelTransport.class),
        injector.getInstance(HostConfig.class));
  }

  /**
   * Closes channels and restores every CPU (stopping the service first when it was started);
   * returns the restore failure or null.
   */
  public String shutdown() {
    return serviceStarted ? service.stop() : lifecycle.shutdown();
  }

  @Override
  public void close() {
    shutdown();
  }
}
