package io.vmpower.cli.sim;

import com.google.inject.Injector;
import com.google.inject.Key;
import io.vmpower.cli.HostFormatter;
import io.vmpower.cli.control.CommandExecutor;
import io.vmpower.cli.shell.ShellRunner;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.host.HostViews;
import io.vmpower.hal.sim.SimulatedClock;
import io.vmpower.hal.sim.SimulatedHost;
import io.vmpower.hal.sim.SimulatedWorkloads;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.InfoCmp;
import org.jline.utils.NonBlockingReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that drive the simulated host from the prompt ({@code sim_restart}, {@code
 * sim_hangup}, {@code sim_offline}, {@code sim_online}, {@code sim_load}, {@code sim_advance}),
 * refused with a clear error on a real host, and {@code watch_cpus}, which refreshes {@code
 * show_cpus} in place on any host. Each is its own picocli command, added by {@link #addTo}.
 */
public final class SimCommands {
  private SimCommands() {}

  /** Adds every command of this group to {@code root}, created through {@code factory}. */
  public static void addTo(CommandLine root, CommandLine.IFactory factory) {
    for (Class<?> c :
        List.of(
            SimRestart.class,
            SimHangup.class,
            SimOffline.class,
            SimOnline.class,
            SimLoad.class,
            SimAdvance.class,
            WatchCpus.class)) {
      root.addSubcommand(new CommandLine(c, factory));
    }
  }

  /** The simulated host when there is one, and the shell (for watch_cpus's terminal). */
  @Singleton
  public static final class Access {
    private final SimulatedHost host;
    private final SimOverrides overrides;
    private volatile ShellRunner shell;

    @Inject
    Access(Injector injector, SimOverrides overrides) {
      var binding = injector.getExistingBinding(Key.get(SimulatedHost.class));
      this.host = binding == null ? null : binding.getProvider().get();
      this.overrides = overrides;
    }

    /** The simulated host; a clear error naming {@code command} on a real one. */
    SimulatedHost require(String command) throws CommandException {
      if (host == null) {
        throw new CommandException(
            command
                + " drives the simulated host: this host runs on the Linux HAL, where only the"
                + " real world restarts VMs, hangs up channels, takes CPUs offline and moves the"
                + " clock (start vm-power-mgr --sim to use it)");
      }
      return host;
    }

    SimulatedHost hostOrNull() {
      return host;
    }

    /** Tells watch_cpus which shell it runs in. */
    public void shell(ShellRunner shell) {
      this.shell = shell;
    }
  }

  @Command
  abstract static class Base implements Callable<Integer> {
    final Access access;
    @Spec CommandSpec spec;

    Base(Access access) {
      this.access = access;
    }

    SimulatedHost host() throws CommandException {
      return access.require(spec.name());
    }

    void print(String line) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(line);
      out.flush();
    }

    /** Runs a driver call; its IllegalArgument/State exception is the command's error. */
    static void drive(Runnable r) throws CommandException {
      try {
        r.run();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new CommandException(e.getMessage(), e);
      }
    }
  }

  @Command(
      name = "sim_restart",
      description =
          "Simulated host: restart a VM's QEMU (it stops: its channels hang up; it starts again:"
              + " they are re-attached). Example: sim_restart vm1")
  static final class SimRestart extends Base {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.")
    String vm;

    @Inject
    SimRestart(Access access) {
      super(access);
    }

    @Override
    public Integer call() throws CommandException {
      SimulatedHost h = host();
      VmState before;
      try {
        before = h.vmState(vm);
      } catch (IllegalArgumentException e) {
        throw new CommandException(e.getMessage(), e);
      }
      if (before == VmState.RUNNING) {
        drive(() -> h.stopVm(vm));
      }
      drive(() -> h.startVm(vm));
      print(
          "VM '"
              + vm
              + "' "
              + (before == VmState.RUNNING ? "restarted (stopped, then started)" : "started"));
      return 0;
    }
  }

  @Command(
      name = "sim_hangup",
      description =
          "Simulated host: the host end of a VM's channel hangs up (as when QEMU closes it); the"
              + " monitor re-attaches it. Example: sim_hangup vm1 0")
  static final class SimHangup extends Base {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.")
    String vm;

    @Parameters(index = "1", paramLabel = "N", description = "The channel number.")
    int channel;

    @Inject
    SimHangup(Access access) {
      super(access);
    }

    @Override
    public Integer call() throws CommandException {
      SimulatedHost h = host();
      drive(() -> h.hangUp(vm, channel));
      print("Channel " + vm + "." + channel + " hung up");
      return 0;
    }
  }

  @Command(
      name = "sim_offline",
      description = "Simulated host: take a CPU offline. Example: sim_offline 3")
  static final class SimOffline extends Base {
    @Parameters(index = "0", paramLabel = "CPU", description = "The CPU.")
    int cpu;

    @Inject
    SimOffline(Access access) {
      super(access);
    }

    @Override
    public Integer call() throws CommandException {
      SimulatedHost h = host();
      drive(() -> h.offline(cpu));
      print("CPU " + cpu + " is offline");
      return 0;
    }
  }

  @Command(
      name = "sim_online",
      description = "Simulated host: bring a CPU back online. Example: sim_online 3")
  static final class SimOnline extends Base {
    @Parameters(index = "0", paramLabel = "CPU", description = "The CPU.")
    int cpu;

    @Inject
    SimOnline(Access access) {
      super(access);
    }

    @Override
    public Integer call() throws CommandException {
      SimulatedHost h = host();
      drive(() -> h.online(cpu));
      print("CPU " + cpu + " is online");
      return 0;
    }
  }

  @Command(
      name = "sim_load",
      description =
          "Simulated host: a vCPU's load, the percentage of time it is busy at its pCPU's highest non-turbo frequency (the"
              + " scenario's workload leaves it alone until 'auto'). Example: sim_load vm1 0 90")
  static final class SimLoad extends Base {
    @Parameters(index = "0", paramLabel = "VM", description = "The VM.")
    String vm;

    @Parameters(index = "1", paramLabel = "VCPU", description = "The vCPU.")
    int vcpu;

    @Parameters(
        index = "2",
        paramLabel = "PERCENT",
        description = "0-100, or auto: the scenario's workload again.")
    String percent;

    @Inject
    SimLoad(Access access) {
      super(access);
    }

    @Override
    public Integer call() throws CommandException {
      SimulatedHost h = host();
      int vcpus;
      try {
        vcpus = h.vcpuCount(vm);
      } catch (IllegalArgumentException e) {
        throw new CommandException(e.getMessage(), e);
      }
      if (vcpu < 0 || vcpu >= vcpus) {
        throw new CommandException(
            "vCPU " + vcpu + " does not exist (VM '" + vm + "' has " + vcpus + ")");
      }
      if (percent.equals("auto")) {
        access.overrides.remove(vm, vcpu);
        print("vCPU " + vcpu + " of " + vm + " follows the scenario's workload again");
        return 0;
      }
      double p;
      try {
        p = Double.parseDouble(percent);
      } catch (NumberFormatException e) {
        throw new CommandException("'" + percent + "' is not a load; use 0-100 or auto", e);
      }
      drive(() -> h.load(vm, vcpu, p));
      access.overrides.add(vm, vcpu);
      print(String.format(Locale.ROOT, "vCPU %d of %s loaded %.1f %%", vcpu, vm, p));
      return 0;
    }
  }

  @Command(
      name = "sim_advance",
      description =
          "Simulated host: move the clock ahead (timers, policies and the workload follow)."
              + " Example: sim_advance 1h")
  static final class SimAdvance extends Base {
    @Parameters(index = "0", paramLabel = "DURATION", description = "e.g. 30s, 15m, 1h30m.")
    String duration;

    @Inject
    SimAdvance(Access access) {
      super(access);
    }

    @Override
    public Integer call() throws CommandException {
      SimulatedHost h = host();
      Duration d;
      try {
        d = SimulatedWorkloads.parseDuration(duration);
      } catch (IllegalArgumentException e) {
        throw new CommandException(e.getMessage(), e);
      }
      if (d.compareTo(Duration.ofDays(366)) > 0) {
        throw new CommandException("'" + duration + "' is too far; advance at most 366d at once");
      }
      h.advance(d);
      print(
          "Simulated clock advanced by "
              + duration
              + ": now "
              + Instant.ofEpochMilli(h.clock().currentTimeMillis())
              + " ("
              + SimulatedClock.START
              + " + "
              + h.clock().elapsed().toString().substring(2).toLowerCase(Locale.ROOT)
              + ")");
      return 0;
    }
  }

  @Command(
      name = "watch_cpus",
      description =
          "show_cpus, refreshed in place every --interval seconds until a key is pressed (or"
              + " Ctrl-C); in a script, --count frames one after the other. Example: watch_cpus")
  static final class WatchCpus implements Callable<Integer> {
    static final double MIN_INTERVAL = 0.2;
    static final int MAX_SCRIPT_FRAMES = 600;

    private final Access access;
    private final HostViews views;
    @Spec CommandSpec spec;

    @Option(
        names = "--interval",
        paramLabel = "SECONDS",
        description = "Seconds between refreshes (default 1, at least 0.2).")
    double interval = 1;

    @Option(
        names = "--count",
        paramLabel = "N",
        description = "Stop after N frames (required in scripts; at most 600 there).")
    Integer count;

    @Inject
    WatchCpus(Access access, HostViews views) {
      this.access = access;
      this.views = views;
    }

    @Override
    public Integer call() throws CommandException, IOException {
      if (!(interval >= MIN_INTERVAL) || interval > 3600) {
        throw new CommandException("--interval: use 0.2 to 3600 seconds");
      }
      if (count != null && count < 1) {
        throw new CommandException("--count: use 1 or more frames");
      }
      if (CommandExecutor.capturing()) {
        throw new CommandException(
            "watch_cpus cannot refresh over --connect: the control socket returns a command's"
                + " output when it ends. Run show_cpus again, or: watch -n 1 vm-power-mgr"
                + " --connect -c show_cpus");
      }
      PrintWriter out = spec.commandLine().getOut();
      ShellRunner shell = access.shell;
      Terminal terminal = shell == null ? null : shell.terminal();
      if (terminal == null) {
        if (count == null || count > MAX_SCRIPT_FRAMES) {
          throw new CommandException(
              "watch_cpus refreshes in place on the prompt's terminal; in a script or from"
                  + " standard input give --count N (1-"
                  + MAX_SCRIPT_FRAMES
                  + ")");
        }
        for (int i = 0; i < count; i++) {
          if (i > 0) {
            LockSupport.parkNanos((long) (interval * 1e9));
            out.println();
          }
          frame().forEach(out::println);
          out.flush();
        }
        return 0;
      }
      Attributes saved = terminal.enterRawMode();
      NonBlockingReader keys = terminal.reader();
      boolean keysGone = false;
      try {
        for (int i = 0; count == null || i < count; i++) {
          PrintWriter w = terminal.writer();
          if (!terminal.puts(InfoCmp.Capability.clear_screen)) {
            w.print("\r\n"); // a terminal that cannot clear: frames one after the other
          }
          frame().forEach(line -> w.print(line + "\r\n"));
          w.print(
              String.format(
                  Locale.ROOT, "every %.1f s; press any key (or Ctrl-C) to stop\r\n", interval));
          w.flush();
          if (keysGone) {
            LockSupport.parkNanos((long) (interval * 1e9));
            continue;
          }
          int key = keys.read((long) (interval * 1000));
          if (key == NonBlockingReader.EOF) {
            // no keyboard any more: only --count can end the watch
            if (count == null) {
              break;
            }
            keysGone = true;
          } else if (key != NonBlockingReader.READ_EXPIRED) {
            break;
          }
        }
      } finally {
        terminal.setAttributes(saved);
      }
      return 0;
    }

    /** One frame: show_cpus, and on the simulated host each CPU's busy share and power. */
    List<String> frame() {
      List<String> lines = new ArrayList<>(HostFormatter.cpus(views.showCpus()));
      SimulatedHost h = access.hostOrNull();
      if (h != null) {
        StringBuilder busy = new StringBuilder("BUSY %:");
        double watts = 0;
        for (int c = 0; c < h.cpuCount(); c++) {
          double u = h.cpuBusy(c);
          busy.append(String.format(Locale.ROOT, " cpu%d=%.0f", c, 100 * u));
          if (h.cpuState(c).online()) {
            watts += h.energyModel().watts(c, h.frequencyIndex(c), u);
          }
        }
        lines.add(busy.toString());
        lines.add(
            String.format(
                Locale.ROOT,
                "Simulated time %s, power %.1f W (energy model)",
                Instant.ofEpochMilli(h.clock().currentTimeMillis()),
                watts));
      }
      return lines;
    }
  }
}
