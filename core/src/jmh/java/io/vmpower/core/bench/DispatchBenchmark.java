package io.vmpower.core.bench;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.monitor.RequestDispatcher;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dispatch of scale requests, per request: the security checks, the power manager's scale on the
 * vCPU's pCPU (an in-memory backend) and the ACK, with the frequency moving down and up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DispatchBenchmark {
  private static final int BATCH = 4;

  private RequestDispatcher dispatcher;
  private Channel channel;
  private ByteBuffer packets;
  private ByteBuffer out;

  @Setup
  public void setUp() {
    dispatcher =
        new RequestDispatcher(
            new PowerManager(
                FakeCpuFrequencies.uniform(4, FakeCpuFrequencies.TURBO_TABLE, 4).forBenchmarks()));
    Vm vm = new Vm(new VmInfo("bench-vm", VmState.RUNNING, 2, List.of(CpuSet.of(2), CpuSet.of(3))));
    channel = vm.addChannel(0, Path.of("/nonexistent/bench-vm.0"));
    packets = BenchRequests.alternating(BATCH, "bench-vm");
    out = ByteBuffer.allocateDirect(BATCH * Wire.REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Down and up on vCPU 0, then on vCPU 1: four requests, four ACKs. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public ByteBuffer scaleDownUp() {
    out.clear();
    for (int i = 0; i < BATCH; i++) {
      dispatcher.dispatch(channel, WireFormat.DPDK, packets, i * Wire.REQUEST_SIZE, out);
    }
    return out;
  }
}
