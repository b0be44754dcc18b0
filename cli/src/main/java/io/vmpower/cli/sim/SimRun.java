package io.vmpower.cli.sim;

import io.vmpower.cli.HostApp;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.policy.PolicyEngine;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedClock;
import io.vmpower.hal.sim.SimulatedEnergyModel;
import io.vmpower.hal.sim.SimulatedGuestApp;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import io.vmpower.hal.sim.SimulatedWorkloads;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An accelerated, deterministic run of a scenario under one strategy: the real host (core, its
 * commands, monitor, dispatcher, arbiter and policy engine) over the simulated HAL with a manual
 * clock, driven by this one thread. No thread of the host is started and nothing sleeps: the loop
 * moves the clock from one event to the next (a workload step each second, a guest application's
 * period, a policy evaluation that is due, a sample), and at each one sets the loads, lets the
 * guest applications send their requests, turns the monitor once (the requests are read, dispatched
 * and answered), lets the guests read their replies and runs the policies that are due.
 *
 * <p>Between two events nothing changes, so what was demanded, served and drawn over the interval
 * is computed exactly from the state at its start: per vCPU, its demand is its load (share of its
 * pCPU at the highest non-turbo frequency), its speed the frequency of its pCPU over that nominal
 * frequency; what it gets done is {@code min(load, speed)}, the rest is <b>unserved</b> (work that
 * could not run: queued or dropped); work done while the speed is below 1 is <b>slowed</b> (served,
 * but not at full speed). Each pCPU draws {@link SimulatedEnergyModel#watts} at its busy fraction
 * (the sum of its vCPUs' busy shares, at most 1); the busy part is attributed to the VMs in
 * proportion to their vCPUs' busy shares, the idle part to nobody. The host's own energy counters
 * integrate the same model; the two totals are compared at the end.
 */
public final class SimRun {
  /** What decides the frequencies. */
  public enum Strategy {
    /** A fixed governor: every CPU at its highest frequency. */
    PERFORMANCE("performance"),
    /** The guests' l3fwd-power-like applications ask through their channels. */
    GUEST("guest"),
    /** The busy policy on every VM. */
    BUSY("busy"),
    /** The TIME policy on every VM (the scenario's hours). */
    TIME("time");

    private final String word;

    Strategy(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    /** The strategy named {@code word}. */
    public static Strategy parse(String word) {
      for (Strategy s : values()) {
        if (s.word.equals(word)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "unknown strategy '" + word + "'; use performance, guest, busy or time");
    }
  }

  /** The default hours of the {@code time} strategy when the scenario gives none. */
  public static final String DEFAULT_BUSY_HOURS = "8-19";

  public static final String DEFAULT_QUIET_HOURS = "0-6,22-23";

  /** How long the run is, its seed, and how often a sample of the series is taken. */
  public record Options(Duration length, long seed, Duration sample) {
    public Options {
      if (length.isNegative() || length.isZero()) {
        throw new IllegalArgumentException("the run's length must be above 0");
      }
      if (sample.isNegative() || sample.isZero() || sample.compareTo(length) > 0) {
        throw new IllegalArgumentException("the sample interval must be above 0 and at most --run");
      }
    }

    /** A run of {@code length} with {@code seed}, sampled every minute (or less for short runs). */
    public static Options of(Duration length, long seed) {
      Duration sample = Duration.ofMinutes(1);
      if (sample.compareTo(length) > 0) {
        sample = length;
      }
      return new Options(length, seed, sample);
    }
  }

  private static final long SECOND = 1_000_000_000L;

  private final Scenario scenario;
  private final Strategy strategy;
  private final Options options;

  private SimulatedHost host;
  private HostApp app;
  private ChannelMonitor monitor;
  private PolicyEngine engine;
  private SimulatedWorkloads workloads;
  private final List<SimulatedGuestApp> guests = new ArrayList<>();
  private final List<String> vms = new ArrayList<>();
  private final StringWriter log = new StringWriter();

  // accumulated
  private SimulatedEnergyModel model;
  private double demand;
  private double unserved;
  private double served;
  private double slowed;
  private double idleJoules;
  private final Map<String, Double> vmJoules = new LinkedHashMap<>();
  private double[] cpuKhzNanos;
  private double[] vmLoadNanos;
  private double intervalJoules;
  private double intervalUnserved;
  private double intervalDemand;

  private SimRun(Scenario scenario, Strategy strategy, Options options) {
    this.scenario = scenario;
    this.strategy = strategy;
    this.options = options;
  }

  /** Runs {@code scenario} under {@code strategy}. */
  public static SimResult run(Scenario scenario, Strategy strategy, Options options) {
    SimRun r = new SimRun(scenario, strategy, options);
    try {
      return r.run();
    } finally {
      r.close();
    }
  }

  private SimResult run() {
    host =
        new SimulatedHost(scenario, Path.of("/nonexistent/vmpower-run"), SimulatedClock.manual());
    workloads = SimulatedWorkloads.resolve(scenario, "scenario");
    model = host.energyModel();
    PolicySettings policies = PolicySettings.defaults().withTimeZone(ZoneOffset.UTC);
    PrintWriter out = new PrintWriter(log, true);
    app =
        new HostApp(
            HostConfig.defaults(host.channelDir()),
            StateFile.none(),
            new SimulatedHalModule(host),
            out,
            out,
            HostApp.policies(policies));
    monitor = app.injector().getInstance(ChannelMonitor.class);
    engine = app.injector().getInstance(PolicyEngine.class);
    workloads.apply(host, options.seed());
    setUp();

    int cpus = host.cpuCount();
    long start = host.clock().nanoTime();
    long end = start + options.length().toNanos();
    long sampleNanos = options.sample().toNanos();
    int samples = (int) ((options.length().toNanos() + sampleNanos - 1) / sampleNanos);
    double[][] khz = new double[cpus][samples];
    double[] power = new double[samples];
    double[] energy = new double[samples];
    double[] unservedSeries = new double[samples];
    double[] demandSeries = new double[samples];
    double[][] load = new double[vms.size()][samples];
    cpuKhzNanos = new double[cpus];
    vmLoadNanos = new double[vms.size()];

    long now = start;
    long nextSecond = start + SECOND;
    long nextSample = Math.min(end, start + sampleNanos);
    long sampleStart = start;
    int sample = 0;
    step(now);
    while (now < end) {
      long next = Math.min(Math.min(nextSecond, nextSample), end);
      // an evaluation still due after runDue (none should be) waits a millisecond, not a
      // nanosecond:
      // policy periods are at least 10 ms
      next = Math.min(next, Math.max(now + 1_000_000, engine.nextDueNanos()));
      for (SimulatedGuestApp g : guests) {
        next = Math.min(next, g.nextDueNanos());
      }
      account(next - now);
      host.advance(Duration.ofNanos(next - now));
      now = next;
      if (now >= nextSecond) {
        workloads.apply(host, options.seed());
        nextSecond += SECOND;
      }
      step(now);
      if (now >= nextSample) {
        double span = now - sampleStart;
        for (int c = 0; c < cpus; c++) {
          khz[c][sample] = cpuKhzNanos[c] / span;
        }
        for (int v = 0; v < vms.size(); v++) {
          load[v][sample] = vmLoadNanos[v] / span;
        }
        power[sample] = intervalJoules / (span / 1e9);
        energy[sample] = intervalJoules;
        unservedSeries[sample] = intervalUnserved;
        demandSeries[sample] = intervalDemand;
        java.util.Arrays.fill(cpuKhzNanos, 0);
        java.util.Arrays.fill(vmLoadNanos, 0);
        intervalJoules = 0;
        intervalUnserved = 0;
        intervalDemand = 0;
        sample++;
        sampleStart = now;
        nextSample = Math.min(end, nextSample + sampleNanos);
      }
    }
    double hostJoules = 0;
    for (int p = 0; p < host.energyPackages(); p++) {
      hostJoules += host.energyJoules(p);
    }
    long sent = 0;
    long acks = 0;
    long nacks = 0;
    for (SimulatedGuestApp g : guests) {
      g.readReplies();
      sent += g.sent();
      acks += g.acks();
      nacks += g.nacks();
    }
    long[] times = new long[samples];
    for (int i = 0; i < samples; i++) {
      times[i] = Math.min(options.length().toSeconds(), (i + 1) * options.sample().toSeconds());
    }
    return new SimResult(
        strategy,
        options,
        times,
        khz,
        power,
        energy,
        unservedSeries,
        demandSeries,
        List.copyOf(vms),
        load,
        Map.copyOf(vmJoules),
        idleJoules,
        hostJoules,
        demand,
        served,
        slowed,
        unserved,
        sent,
        acks,
        nacks,
        host.frequencyWriteCount());
  }

  /** Adds the VMs (and channels), then what the strategy needs. */
  private void setUp() {
    for (String vm : host.vmNames()) {
      if (host.vmState(vm) != VmState.RUNNING) {
        continue;
      }
      vms.add(vm);
      vmJoules.put(vm, 0.0);
      command("add_vm " + vm);
      if (!host.channels(vm).isEmpty()) {
        command("add_channels " + vm + " all");
      }
    }
    switch (strategy) {
      case PERFORMANCE -> {
        for (int c = 0; c < host.cpuCount(); c++) {
          command("set_cpu_freq " + c + " max");
        }
      }
      case GUEST -> {
        for (SimulatedWorkloads.GuestPlan g : workloads.guests()) {
          if (vms.contains(g.vm())) {
            guests.add(new SimulatedGuestApp(host, g));
          }
        }
      }
      case BUSY -> vms.forEach(vm -> command("set_policy " + vm + " busy"));
      case TIME -> {
        Scenario.TimeHours t = workloads.time();
        String busy = t == null ? DEFAULT_BUSY_HOURS : t.busy();
        String quiet = t == null ? DEFAULT_QUIET_HOURS : t.quiet();
        String words =
            (busy == null ? "" : " busy=" + busy) + (quiet == null ? "" : " quiet=" + quiet);
        vms.forEach(vm -> command("set_policy " + vm + " time" + words));
      }
    }
  }

  private void command(String line) {
    int code = app.execute(line);
    if (code != 0) {
      throw new IllegalStateException(
          "the run could not set up the host: '" + line + "' failed: " + log.toString().strip());
    }
  }

  /** One event: the guests' requests, a monitor turn, their replies, the policies due. */
  private void step(long now) {
    for (SimulatedGuestApp g : guests) {
      g.tick();
    }
    try {
      monitor.turn(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (SimulatedGuestApp g : guests) {
      g.readReplies();
    }
    engine.runDue(now);
    // requests sent by a policy decision land at the next event; replies are read then
  }

  /** Adds what the state of now does over the next {@code dt} ns. */
  private void account(long dt) {
    if (dt <= 0) {
      return;
    }
    double seconds = dt / 1e9;
    int cpus = host.cpuCount();
    double[] shares = new double[cpus];
    for (int c = 0; c < cpus; c++) {
      cpuKhzNanos[c] += (double) host.frequencyKhz(c) * dt;
    }
    List<double[]> vcpuShares = new ArrayList<>();
    List<int[]> vcpuCpus = new ArrayList<>();
    for (int i = 0; i < vms.size(); i++) {
      String vm = vms.get(i);
      int n = host.vcpuCount(vm);
      double[] s = new double[n];
      int[] on = new int[n];
      double loadSum = 0;
      for (int v = 0; v < n; v++) {
        double want = host.loadOf(vm, v) / 100.0;
        double speed = host.vcpuSpeed(vm, v);
        double done = Math.min(want, speed);
        demand += want * seconds;
        served += done * seconds;
        if (speed < 1) {
          slowed += done * seconds;
        }
        unserved += (want - done) * seconds;
        intervalUnserved += (want - done) * seconds;
        intervalDemand += want * seconds;
        loadSum += want * 100;
        s[v] = host.vcpuBusyShare(vm, v);
        on[v] = host.vcpuCpu(vm, v);
        if (on[v] >= 0) {
          shares[on[v]] += s[v];
        }
      }
      vmLoadNanos[i] += loadSum / n * dt;
      vcpuShares.add(s);
      vcpuCpus.add(on);
    }
    double[] busyJoulesPerShare = new double[cpus];
    for (int c = 0; c < cpus; c++) {
      if (!host.cpuState(c).online()) {
        continue;
      }
      int index = host.frequencyIndex(c);
      double u = host.cpuBusy(c);
      double joules = model.watts(c, index, u) * seconds;
      intervalJoules += joules;
      double busyPart = u * model.busyWatts(c, index) * seconds;
      idleJoules += joules - busyPart;
      busyJoulesPerShare[c] = shares[c] > 0 ? busyPart / shares[c] : 0;
      if (shares[c] <= 0) {
        idleJoules += busyPart;
      }
    }
    for (int i = 0; i < vms.size(); i++) {
      double[] s = vcpuShares.get(i);
      int[] on = vcpuCpus.get(i);
      double j = 0;
      for (int v = 0; v < s.length; v++) {
        if (on[v] >= 0) {
          j += s[v] * busyJoulesPerShare[on[v]];
        }
      }
      vmJoules.merge(vms.get(i), j, Double::sum);
    }
  }

  private void close() {
    if (app != null) {
      app.shutdown();
    }
    if (host != null) {
      host.close();
    }
  }
}
