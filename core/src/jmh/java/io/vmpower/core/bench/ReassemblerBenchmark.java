package io.vmpower.core.bench;

import io.vmpower.core.wire.Reassembler;
import io.vmpower.core.wire.Wire;
import java.nio.ByteBuffer;
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
 * The reassembler, per packet: whole packets arriving one or 16 per read, and a packet split across
 * two reads (100 + 364 bytes). The bytes are put in as a socket read would.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReassemblerBenchmark {
  private static final int MANY = 16;

  private Reassembler reassembler;
  private ByteBuffer packets;
  private final byte[] kept = new byte[Wire.REQUEST_SIZE];

  @Setup
  public void setUp() {
    reassembler = new Reassembler(Wire.REQUEST_SIZE, 32);
    packets = BenchRequests.alternating(MANY, "bench-vm");
  }

  private int feed(int offset, int length) {
    ByteBuffer in = reassembler.readBuffer();
    in.put(in.position(), packets, offset, length);
    in.position(in.position() + length);
    int count = reassembler.completePackets();
    reassembler.consume(count);
    return count;
  }

  @Benchmark
  public int onePacketPerRead() {
    return feed(0, Wire.REQUEST_SIZE);
  }

  @Benchmark
  @OperationsPerInvocation(MANY)
  public int sixteenPacketsPerRead() {
    return feed(0, MANY * Wire.REQUEST_SIZE);
  }

  @Benchmark
  public int packetSplitAcrossTwoReads() {
    return feed(0, 100) + feed(100, Wire.REQUEST_SIZE - 100);
  }

  /** As the monitor: restore the channel's kept bytes, read, serve, keep the rest. */
  @Benchmark
  public int packetSplitKeptAsideBetweenReads() {
    reassembler.restore(kept, 0);
    int served = feed(0, 100);
    int length = reassembler.copyBuffered(kept);
    reassembler.restore(kept, length);
    served += feed(100, Wire.REQUEST_SIZE - 100);
    reassembler.copyBuffered(kept);
    return served;
  }
}
