package io.vmpower.features.reliability;

import io.vmpower.cli.HostApp;
import io.vmpower.cli.HostMain;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.ScenarioLoader;
import io.vmpower.hal.sim.SimulatedClock;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The host program over real AF_UNIX channel sockets, as {@code vm-power-mgr --sim} runs it ({@link
 * HostMain#demoModule}: simulated CPUs and hypervisor, the real socket transport), with {@link
 * QemuSockets} playing QEMU for every channel of every running VM of the scenario.
 */
final class SocketHost implements AutoCloseable {
  final Path dir;
  final SimulatedHost sim;
  final QemuSockets qemu;
  final HostApp app;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String lastOut = "";
  private String lastErr = "";

  private SocketHost(Scenario scenario) throws IOException {
    dir = Files.createTempDirectory("vmpower-sockets-");
    sim = new SimulatedHost(scenario, dir, SimulatedClock.followingRealTime());
    qemu = new QemuSockets(dir);
    for (String vm : sim.vmNames()) {
      if (sim.vmState(vm) == VmState.RUNNING) {
        for (int n : sim.channels(vm)) {
          qemu.listen(vm, n);
        }
      }
    }
    app =
        new HostApp(
                HostConfig.defaults(dir),
                HostMain.demoModule(sim),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .start();
  }

  /** A host over {@code scenario} with every running VM and all its channels added. */
  static SocketHost start(Scenario scenario) throws IOException {
    SocketHost h = new SocketHost(scenario);
    for (String vm : h.sim.vmNames()) {
      if (h.sim.vmState(vm) == VmState.RUNNING) {
        h.must("add_vm " + vm);
        h.must("add_channels " + vm + " all");
      }
    }
    return h;
  }

  /** A host over a scenario written in YAML. */
  static SocketHost start(String yaml) throws IOException {
    return start(ScenarioLoader.parse(yaml, ScenarioLoader.Format.YAML, "test scenario"));
  }

  /** The built-in scenario: vm1 (vCPUs on pCPUs 2, 3; channels 0-1), vm2 (4-7; 0-3). */
  static SocketHost startDefault() throws IOException {
    return start(Scenario.defaultScenario());
  }

  /** Runs a command line at the host's prompt (one at a time); returns its exit code. */
  synchronized int run(String line) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    int code = app.execute(line);
    lastOut = out.toString();
    lastErr = err.toString();
    return code;
  }

  /** Runs a line that must succeed. */
  synchronized String must(String line) {
    int code = run(line);
    if (code != 0) {
      throw new IllegalStateException(line + " failed (" + code + "): " + lastOut + lastErr);
    }
    return lastOut;
  }

  synchronized String lastOut() {
    return lastOut;
  }

  synchronized String lastErr() {
    return lastErr;
  }

  Channel channel(String vm, int n) {
    return app.injector().getInstance(VmRegistry.class).find(vm).orElseThrow().channel(n);
  }

  ChannelMonitor monitor() {
    return app.injector().getInstance(ChannelMonitor.class);
  }

  /** The guest's side of a channel, connected (it waits for the host to attach). */
  GuestLink guest(String vm, int n, boolean reading) throws InterruptedException {
    GuestLink g = new GuestLink(qemu, vm, n, reading);
    if (!g.connect(Duration.ofSeconds(10))) {
      throw new IllegalStateException("the host did not attach " + vm + "." + n);
    }
    return g;
  }

  /** Waits until the monitor thread has finished what it was doing (one full turn). */
  void settle() throws Exception {
    monitor().call(() -> null);
    monitor().call(() -> null);
  }

  /**
   * QEMU of {@code vm} exits: its sockets close and go, then the hypervisor says it stopped.
   * Returns the channels whose host connection was closed.
   */
  java.util.List<Integer> stopVm(String vm) throws IOException {
    java.util.List<Integer> closed = new java.util.ArrayList<>();
    for (int n : sim.channels(vm)) {
      if (qemu.unlisten(vm, n)) {
        closed.add(n);
      }
    }
    sim.stopVm(vm);
    return closed;
  }

  /** QEMU of {@code vm} starts: its sockets listen, then the hypervisor says it started. */
  void startVm(String vm) throws IOException {
    for (int n : sim.channels(vm)) {
      qemu.listen(vm, n);
    }
    sim.startVm(vm);
  }

  @Override
  public void close() throws IOException {
    app.shutdown();
    qemu.close();
    sim.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
