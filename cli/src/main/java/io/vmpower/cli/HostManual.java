package io.vmpower.cli;

import io.vmpower.core.config.HostConfig;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The host program's command model as its manual page shows it (io.vmpower.cli.manpage): the
 * program's options, and the {@code vm_power>} commands exactly as {@link HostApp} registers them
 * (with {@code help} and {@code quit}), taken from a host app over the built-in simulated host that
 * is closed before it starts.
 */
public final class HostManual {
  private HostManual() {}

  /** {@code vm-power-mgr} and its options. */
  public static CommandSpec program() {
    return new CommandLine(new HostOptions()).getCommandSpec();
  }

  /** The {@code vm_power>} commands, as {@code help} lists them. */
  public static CommandSpec shell() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("vmpower-manual-");
      PrintWriter sink = new PrintWriter(new StringWriter());
      try (SimulatedHost host = new SimulatedHost(Scenario.defaultScenario(), dir);
          HostApp app =
              new HostApp(HostConfig.defaults(dir), new SimulatedHalModule(host), sink, sink)) {
        // the shell's root has no name (commands are typed bare); picocli's generator needs one
        return app.commandLine().getCommandSpec().name("vm_power");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(dir);
    }
  }

  /** The shell's prompt. */
  public static String prompt() {
    return HostApp.PROMPT.strip();
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder: best effort
    }
  }
}
