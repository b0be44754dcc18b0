package io.vmpower.features.reliability;

import io.vmpower.core.wire.Wire;
import io.vmpower.hal.sim.SimulatedCpuState;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved guest: one scale request at a time on its channel (min, max, min, ...) for one
 * vCPU, checking that each reply is the ACK echoing the request and that the vCPU's pCPU then runs
 * at the table's minimum or maximum. Keeps the latency of each round trip.
 */
final class GoodGuest implements Runnable {
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

  private final GuestLink link;
  private final SimulatedHost sim;
  private final int vcpu;
  private final int pcpu;
  private final Duration pause;
  private final AtomicLong served = new AtomicLong();
  private final List<String> errors = new ArrayList<>();
  private long[] latencies = new long[1024];
  private int latencyCount;
  private volatile boolean stop;
  private Thread thread;

  /**
   * @param pause time between a reply and the next request (zero: back to back)
   */
  GoodGuest(GuestLink link, SimulatedHost sim, int vcpu, int pcpu, Duration pause) {
    this.link = link;
    this.sim = sim;
    this.vcpu = vcpu;
    this.pcpu = pcpu;
    this.pause = pause;
  }

  String name() {
    return link.name();
  }

  GoodGuest start() {
    thread = new Thread(this, "good-guest-" + link.name());
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  void stop() throws InterruptedException {
    stop = true;
    if (thread != null) {
      thread.join(REPLY_TIMEOUT.toMillis() * 2);
    }
  }

  /** Round trips that ended with the right ACK and the right frequency. */
  long served() {
    return served.get();
  }

  synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  /** Latencies in nanoseconds from {@code from} (a count of round trips) to now, sorted. */
  synchronized long[] latenciesSince(int from) {
    long[] out = Arrays.copyOfRange(latencies, Math.min(from, latencyCount), latencyCount);
    Arrays.sort(out);
    return out;
  }

  synchronized int latencyCount() {
    return latencyCount;
  }

  private synchronized void record(long nanos) {
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencies.length * 2);
    }
    latencies[latencyCount++] = nanos;
  }

  private synchronized void error(String e) {
    if (errors.size() < 100) {
      errors.add(e);
    }
  }

  @Override
  public void run() {
    long seq = 0;
    while (!stop) {
      int unit = seq % 2 == 0 ? Wire.SCALE_MIN : Wire.SCALE_MAX;
      byte[] request = Packets.scale(vcpu, unit, seq);
      try {
        long t0 = System.nanoTime();
        link.write(request);
        byte[] reply = link.read(Wire.REQUEST_SIZE, REPLY_TIMEOUT);
        long t1 = System.nanoTime();
        if (reply == null) {
          error("request " + seq + ": no reply within " + REPLY_TIMEOUT);
          return;
        }
        byte[] ack = request.clone();
        ByteBuffer.wrap(ack).order(ByteOrder.LITTLE_ENDIAN).putInt(Wire.OFF_COMMAND, Wire.ACK);
        if (!Arrays.equals(ack, reply)) {
          error("request " + seq + ": the reply is not its ACK: " + Packets.describeReplies(reply));
          return;
        }
        SimulatedCpuState s = sim.cpuState(pcpu);
        int want =
            unit == Wire.SCALE_MIN
                ? s.table().lowestIndex()
                : (s.table().hasTurbo() && !s.turboEnabled() ? 1 : 0);
        if (s.index() != want) {
          error("request " + seq + ": pCPU " + pcpu + " at index " + s.index() + ", not " + want);
        }
        record(t1 - t0);
        served.incrementAndGet();
        if (!pause.isZero()) {
          Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
        }
      } catch (IOException | InterruptedException e) {
        if (!stop) {
          error("request " + seq + ": " + e);
        }
        return;
      }
      seq++;
    }
  }
}
