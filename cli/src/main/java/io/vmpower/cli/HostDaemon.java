package io.vmpower.cli;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.service.Service;
import io.vmpower.hal.sim.SimulatedQemuSockets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vm-power-mgr --daemon}: the host as a service, in the foreground, with no terminal and no
 * shell. It reads its configuration ({@code --config FILE}, default {@code
 * /etc/vmpower/vmpower.yaml}), serves every managed VM by itself, opens its control socket (the
 * configuration's {@code control} section, or {@code --control-socket}) and, when asked for, the
 * metrics endpoint before it tells systemd it is ready, reloads on SIGHUP, and stops on SIGTERM or
 * SIGINT through the JVM's shutdown hook (channels closed, CPUs restored, the JVM's exit status for
 * the signal). Its logs are journald's lines on standard error. A configuration that cannot be
 * used, or a host that cannot start, is one line on standard error and exit status 1.
 */
public final class HostDaemon {
  private static final Logger log = LoggerFactory.getLogger(HostDaemon.class);

  private HostDaemon() {}

  /**
   * Runs the daemon until {@code stop} completes (tests) or, when it is null, until the JVM exits
   * on a signal (the launcher); returns the exit status (0, or 1 when it could not start or the
   * CPUs could not be restored).
   */
  public static int run(HostOptions opts, HostAddOns addOns, PrintWriter err, Future<?> stop) {
    CliLogConfigurator.useJournalFormat();
    HostSetup setup;
    try {
      setup = HostSetup.create(opts);
    } catch (ConfigException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      err.println("Error: cannot start the host: " + e.getMessage());
      return 1;
    }
    List<AutoCloseable> extras = new ArrayList<>(setup.extras);
    HostApp app;
    try {
      app =
          new HostApp(
              setup.hostConfig,
              setup.stateFile,
              setup.running,
              setup.module,
              err,
              err,
              addOns.modules());
      if (setup.simulatedHost != null) {
        extras.add(0, new SimulatedQemuSockets(setup.simulatedHost));
      }
    } catch (CreationException | ProvisionException e) {
      err.println("Error: cannot start the host: " + HostMain.rootMessage(e));
      HostMain.closeAll(extras);
      return 1;
    } catch (IOException | UncheckedIOException e) {
      err.println("Error: cannot start the host: " + e.getMessage());
      HostMain.closeAll(extras);
      return 1;
    }

    HostApp running = app;
    Thread hook =
        new Thread(
            () -> {
              String failure = running.shutdown();
              if (failure != null) {
                log.error("restoring CPU settings failed: {}", failure);
              }
              HostMain.closeAll(extras);
            },
            "vmpower-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    HangUpReload.install(app.service());
    List<Service> services = new ArrayList<>();
    services.add(app.controlService(setup.running.current().control()));
    if (addOns.metrics != null) {
      services.add(addOns.metricsService(app, line -> log.info("{}", line)));
    }
    try {
      app.startService(services.toArray(new Service[0]));
    } catch (Exception e) {
      err.println("Error: cannot start the host: " + HostMain.rootMessage(e));
      stop(app, extras, hook);
      return 1;
    }
    app.capabilityReport(setup.hal).forEach(l -> log.info("{}", l));
    log.info("Control socket: {}", app.controlServer().listener().description());
    log.info(
        "{}",
        setup.stateFile.enabled()
            ? "State file: " + setup.stateFile.path()
            : "State file: none (settings are restored on exit only)");
    app.notes().forEach(n -> log.warn("{}", n));

    // without a stop of the caller's, only a signal ends the daemon: SIGTERM or SIGINT run the
    // shutdown hook, which stops the host, and the JVM exits with the signal's status
    Future<?> until = stop != null ? stop : new CompletableFuture<Void>();
    while (true) {
      try {
        until.get();
        break;
      } catch (InterruptedException e) {
        if (stop != null) {
          Thread.currentThread().interrupt();
          break;
        }
      } catch (Exception e) {
        log.debug("stop: {}", e.toString());
        break;
      }
    }
    return stop(app, extras, hook) == null ? 0 : 1;
  }

  private static String stop(HostApp app, List<AutoCloseable> extras, Thread hook) {
    String failure = app.shutdown();
    if (failure != null) {
      log.error("restoring CPU settings failed: {}", failure);
    }
    HostMain.closeAll(extras);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // already shutting down
    }
    return failure;
  }
}
