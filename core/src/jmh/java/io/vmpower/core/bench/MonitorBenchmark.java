package io.vmpower.core.bench;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.monitor.RequestDispatcher;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOutcome;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.core.wire.Wire;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The monitor's whole hot path, per request: a readable channel is read, its requests reassembled,
 * run through the channel state machine and the dispatcher (scaling an in-memory backend), and the
 * ACKs written back, all as {@link ChannelMonitor#onReadable} does for a socket event. The endpoint
 * is in memory ({@link BenchEndpoint}), so the figure leaves out the system calls that ci/bench.sh
 * measures. Run with {@code -prof gc}: gc.alloc.rate.norm is the allocation per request. With
 * {@code metrics=on} every request is timed into a Prometheus histogram and every frequency write
 * too, as with {@code --metrics-listen} ({@link BenchMetrics}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MonitorBenchmark {
  private static final int MANY = 16;

  /** off: no timers (the default host); on: the metrics endpoint's histograms. */
  @Param({"off", "on"})
  public String metrics;

  /**
   * off: the guest's VM alone on its CPUs; on: another VM's policy demands a middle frequency of
   * both CPUs (as a {@code busy} or {@code time} policy would), so each request is decided against
   * it by the arbiter.
   */
  @Param({"off", "on"})
  public String policies;

  /**
   * off: no energy counters; on: the per-VM energy attribution's weight integrals, advanced at
   * every frequency write (what a host with energy counters does).
   */
  @Param({"off", "on"})
  public String energy;

  private BenchMetrics bench;

  private Path monitored;
  private ChannelMonitor one;
  private ChannelMonitor many;
  private ChannelMonitor turned;
  private BenchEndpoint turnedEndpoint;
  private Channel turnedChannel;
  private BenchEndpoint oneEndpoint;
  private BenchEndpoint manyEndpoint;
  private Channel oneChannel;
  private Channel manyChannel;

  @Setup
  public void setUp() throws Exception {
    monitored = Path.of("/nonexistent");
    BenchTransport oneTransport = transport();
    one = monitor(oneTransport);
    oneChannel = channel();
    one.attach(oneChannel);
    oneEndpoint = oneTransport.opened();
    BenchTransport manyTransport = transport();
    many = monitor(manyTransport);
    manyChannel = channel();
    many.attach(manyChannel);
    manyEndpoint = manyTransport.opened();
    manyEndpoint.packetsPerRead(MANY);
    BenchTransport turnedTransport = transport().readableOnAwait();
    turned = monitor(turnedTransport);
    turnedChannel = channel();
    turned.attach(turnedChannel);
    turnedEndpoint = turnedTransport.opened();
    turnedEndpoint.packetsPerRead(MANY);
  }

  private static BenchTransport transport() {
    return new BenchTransport(BenchRequests.alternating(MANY, "bench-vm"));
  }

  private ChannelMonitor monitor(BenchTransport transport) {
    HostTimers timers = HostTimers.NONE;
    if (metrics.equals("on")) {
      bench = bench == null ? new BenchMetrics() : bench;
      timers = bench.timers();
    }
    PowerManager power =
        new PowerManager(
            FakeCpuFrequencies.uniform(4, FakeCpuFrequencies.TURBO_TABLE, 4).forBenchmarks(),
            Clock.SYSTEM,
            timers);
    if (energy.equals("on")) {
      power.trackWeights();
    }
    RequestDispatcher dispatcher = new RequestDispatcher(power);
    if (policies.equals("on")) {
      Vm policyVm =
          new Vm(new VmInfo("policy-vm", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3))));
      for (int cpu = 2; cpu <= 3; cpu++) {
        if (dispatcher.arbiter().demand(policyVm, cpu, 5) == ScaleOutcome.FAILED) {
          throw new IllegalStateException("the policy's demand on CPU " + cpu + " failed");
        }
      }
    }
    return new ChannelMonitor(
        transport,
        dispatcher,
        HostConfig.defaults(monitored),
        Clock.SYSTEM,
        new VmRegistry(),
        timers);
  }

  private static Channel channel() {
    Vm vm = new Vm(new VmInfo("bench-vm", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3))));
    return vm.addChannel(0, Path.of("/nonexistent/bench-vm.0"));
  }

  /** One request per readable event (one outstanding per channel). */
  @Benchmark
  public void oneRequestPerRead() {
    one.onReadable(oneEndpoint);
  }

  /** Sixteen requests per readable event; the figure is per request. */
  @Benchmark
  @OperationsPerInvocation(MANY)
  public void sixteenRequestsPerRead() {
    many.onReadable(manyEndpoint);
  }

  /**
   * A whole monitor turn with sixteen requests read (as the running monitor does): write-combining
   * decides them in memory and writes each CPU once at the end; the figure is per request.
   */
  @Benchmark
  @OperationsPerInvocation(MANY)
  public void sixteenRequestsPerTurn() throws java.io.IOException {
    turned.turn(0);
  }

  @TearDown(Level.Trial)
  public void check() {
    // each benchmark method drives one of the three; the others have read nothing
    long read =
        check(oneChannel, oneEndpoint)
            + check(manyChannel, manyEndpoint)
            + check(turnedChannel, turnedEndpoint);
    if (read == 0) {
      throw new IllegalStateException("no request was read");
    }
    if (bench != null && bench.requestsObserved() != read) {
      throw new IllegalStateException(
          "metrics on: " + read + " requests read but " + bench.requestsObserved() + " timed");
    }
    one.close();
    many.close();
    turned.close();
  }

  /** Fails the run unless every request read was ACKed and every ACK written; returns the count. */
  private static long check(Channel channel, BenchEndpoint endpoint) {
    long read = channel.stats().get(Counter.REQUESTS);
    long acked = channel.stats().get(Counter.ACKED);
    long written = endpoint.bytesWritten() / Wire.REQUEST_SIZE;
    if (acked != read || written != acked) {
      throw new IllegalStateException(
          "the monitor did not ACK every request: "
              + read
              + " read, "
              + acked
              + " ACKed, "
              + written
              + " replies written");
    }
    return read;
  }
}
