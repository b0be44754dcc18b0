package io.vmpower.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import io.vmpower.core.CoreModule;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.host.HostController;
import io.vmpower.core.host.HostLifecycle;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;

/**
 * One host, assembled: the injector over the core and a HAL module, the running monitor, and the
 * {@code vm_power>} command line. The launcher and the acceptance tests both drive it.
 */
public final class HostApp implements AutoCloseable {
  private final Injector injector;
  private final HostLifecycle lifecycle;
  private final CommandLine commandLine;
  private final AtomicBoolean quitRequested = new AtomicBoolean();

  public HostApp(HostConfig config, Module hal, PrintWriter out, PrintWriter err) {
    this.injector = Guice.createInjector(new CoreModule(config), hal);
    this.lifecycle = injector.getInstance(HostLifecycle.class);
    HostCommands commands =
        new HostCommands(injector.getInstance(HostController.class), () -> quitRequested.set(true));
    this.commandLine = new CommandLine(commands, new GuiceFactory(injector));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(false);
    commandLine.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          if (ex instanceof CommandException) {
            cmd.getErr().println("Error: " + ex.getMessage());
          } else {
            cmd.getErr().println("Error: " + ex);
          }
          cmd.getErr().flush();
          return 1;
        });
    commandLine.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr().println("Error: " + ex.getMessage());
          cmd.getErr()
              .println(
                  "Usage: "
                      + cmd.getHelp().synopsis(0).trim()
                      + "   (help "
                      + cmd.getCommandName()
                      + " for more)");
          cmd.getErr().flush();
          return 2;
        });
  }

  /** Starts the monitor thread and the hypervisor event subscription. */
  public HostApp start() {
    lifecycle.start();
    return this;
  }

  public Injector injector() {
    return injector;
  }

  public CommandLine commandLine() {
    return commandLine;
  }

  /** Whether {@code quit} was run. */
  public boolean quitRequested() {
    return quitRequested.get();
  }

  /**
   * Runs one command line as typed at the prompt (words split on white space); returns its exit
   * code (0 when it succeeded). Blank lines and {@code #} comments do nothing.
   */
  public int execute(String line) {
    String t = line.trim();
    if (t.isEmpty() || t.startsWith("#")) {
      return 0;
    }
    int code = commandLine.execute(t.split("\\s+"));
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    return code;
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

  /** Closes channels and restores every CPU; returns the restore failure or null. */
  public String shutdown() {
    return lifecycle.shutdown();
  }

  @Override
  public void close() {
    shutdown();
  }
}
