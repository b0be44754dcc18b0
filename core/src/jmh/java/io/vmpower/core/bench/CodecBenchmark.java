package io.vmpower.core.bench;

import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire codec: the field reads the monitor does per request, the ACK it writes, and the full
 * decode / encode the guest library and tools use.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark {
  private ByteBuffer request;
  private ByteBuffer out;
  private PowerRequest decoded;
  private PowerRequest toEncode;

  @Setup
  public void setUp() {
    request = BenchRequests.alternating(1, "bench-vm");
    out = ByteBuffer.allocateDirect(Wire.REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    decoded = new PowerRequest();
    toEncode = PowerRequest.cpuPower(1, Wire.SCALE_UP);
    toEncode.vmName = "bench-vm";
  }

  /** What the monitor reads of a request: command, unit, resource_id, core_type. */
  @Benchmark
  public long hotFields() {
    return PowerRequestCodec.command(request, 0)
        + PowerRequestCodec.unit(request, 0)
        + PowerRequestCodec.resourceId(request, 0)
        + (PowerRequestCodec.physicalCore(request, 0) ? 1 : 0);
  }

  /** The 464-byte ACK echoing the request. */
  @Benchmark
  public ByteBuffer writeAck() {
    out.clear();
    ReplyCodec.writeAckNack(request, 0, true, out);
    return out;
  }

  /** Every field into a reused request object (allocates the vm_name string). */
  @Benchmark
  public PowerRequest decodeAll() {
    return PowerRequestCodec.decode(request, 0, WireFormat.DPDK, decoded);
  }

  /** Every field, padding zeroed, into a reused buffer (the guest library's send path). */
  @Benchmark
  public ByteBuffer encodeAll() {
    PowerRequestCodec.encode(toEncode, WireFormat.DPDK, out, 0);
    return out;
  }
}
