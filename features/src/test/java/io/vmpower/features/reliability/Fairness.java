package io.vmpower.features.reliability;

import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.wire.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures whether a guest flooding its channel at full speed starves a quiet guest: the quiet
 * guest (vm2 channel 0) sends one scale request at a time and waits for its ACK; meanwhile no
 * guest, one or three guests flood their channels (vm1.0; vm1.0, vm1.1, vm2.1) with back-to-back
 * requests. Over real AF_UNIX sockets ({@link SocketHost}). Reports, per phase, the quiet guest's
 * served rate and latency percentiles and the flooders' rate. A program, not a test of speed:
 * {@link FairnessTest} only checks the quiet guest is served during a flood.
 */
public final class Fairness {
  /** One phase's figures. */
  record Phase(
      String name,
      double seconds,
      long quietServed,
      long p50Micros,
      long p99Micros,
      long maxMicros,
      long floodRequests,
      long floodRepliesDropped,
      List<String> errors) {
    double quietRate() {
      return quietServed / seconds;
    }

    double floodRate() {
      return floodRequests / seconds;
    }
  }

  private Fairness() {}

  /** Runs every phase for {@code phase} each on a fresh host. */
  static List<Phase> run(Duration phase) throws Exception {
    List<Phase> out = new ArrayList<>();
    out.add(phase("no flood", phase, List.of(), false));
    out.add(phase("1 guest floods valid scale requests", phase, List.of("vm1.0"), false));
    out.add(phase("1 guest floods bad packets (unknown unit)", phase, List.of("vm1.0"), true));
    out.add(
        phase(
            "3 guests flood valid scale requests",
            phase,
            List.of("vm1.0", "vm1.1", "vm2.1"),
            false));
    return out;
  }

  private static Phase phase(String name, Duration length, List<String> flooders, boolean bad)
      throws Exception {
    try (SocketHost host = SocketHost.startDefault()) {
      List<Flooder> floods = new ArrayList<>();
      for (String f : flooders) {
        String[] vmCh = f.split("\\.");
        floods.add(new Flooder(host.guest(vmCh[0], Integer.parseInt(vmCh[1]), true), bad).start());
      }
      // vm2's vCPU 3 is pCPU 7, which no flooder touches
      GoodGuest quiet =
          new GoodGuest(host.guest("vm2", 0, true), host.sim, 3, 7, Duration.ZERO).start();
      Thread.sleep(300); // warm-up: JIT, buffers full
      long requests0 = floodRequests(host, flooders);
      long dropped0 = floodDropped(host, flooders);
      long served0 = quiet.served();
      int lat0 = quiet.latencyCount();
      long t0 = System.nanoTime();
      Thread.sleep(length.toMillis());
      double seconds = (System.nanoTime() - t0) / 1e9;
      long served = quiet.served() - served0;
      long[] lat = quiet.latenciesSince(lat0);
      long requests = floodRequests(host, flooders) - requests0;
      long dropped = floodDropped(host, flooders) - dropped0;
      quiet.stop();
      for (Flooder f : floods) {
        f.stop();
      }
      List<String> errors = new ArrayList<>(quiet.errors());
      return new Phase(
          name,
          seconds,
          served,
          percentile(lat, 50),
          percentile(lat, 99),
          lat.length == 0 ? 0 : lat[lat.length - 1] / 1000,
          requests,
          dropped,
          errors);
    }
  }

  private static long floodRequests(SocketHost host, List<String> flooders) {
    long n = 0;
    for (String f : flooders) {
      n += channel(host, f).stats().get(Counter.REQUESTS);
    }
    return n;
  }

  private static long floodDropped(SocketHost host, List<String> flooders) {
    long n = 0;
    for (String f : flooders) {
      n += channel(host, f).stats().get(Counter.REPLIES_DROPPED);
    }
    return n;
  }

  private static Channel channel(SocketHost host, String vmDotN) {
    String[] p = vmDotN.split("\\.");
    return host.channel(p[0], Integer.parseInt(p[1]));
  }

  /** The {@code p}th percentile of sorted nanoseconds, in microseconds. */
  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000;
  }

  /** A guest writing requests back to back; its reader thread drains the replies. */
  private static final class Flooder implements Runnable {
    private final GuestLink link;
    private final byte[] batch;
    private volatile boolean stop;
    private Thread thread;

    Flooder(GuestLink link, boolean bad) {
      this.link = link;
      byte[] one =
          bad ? Packets.request(Wire.CPU_POWER, 42, 0) : Packets.scale(0, Wire.SCALE_DOWN, 0);
      byte[] two = bad ? one : Packets.scale(0, Wire.SCALE_UP, 0);
      byte[] pair = new byte[2 * Wire.REQUEST_SIZE];
      System.arraycopy(one, 0, pair, 0, Wire.REQUEST_SIZE);
      System.arraycopy(two, 0, pair, Wire.REQUEST_SIZE, Wire.REQUEST_SIZE);
      this.batch = Packets.times(pair, 32);
    }

    Flooder start() {
      thread = new Thread(this, "flooder-" + link.name());
      thread.setDaemon(true);
      thread.start();
      return this;
    }

    void stop() throws InterruptedException {
      stop = true;
      link.hangUp();
      thread.join(5000);
    }

    @Override
    public void run() {
      try {
        while (!stop) {
          link.write(batch);
          link.takeAll();
        }
      } catch (IOException e) {
        // hung up at the end
      }
    }
  }

  /** The figures as a Markdown table. */
  static String table(List<Phase> phases) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| phase | quiet guest served (req/s) | quiet p50 (µs) | quiet p99 (µs) | quiet max (µs)"
            + " | flooders' requests served (req/s) | flooders' replies dropped |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (Phase p : phases) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %d | %d | %d | %.0f | %d |%n",
              p.name(),
              p.quietRate(),
              p.p50Micros(),
              p.p99Micros(),
              p.maxMicros(),
              p.floodRate(),
              p.floodRepliesDropped()));
    }
    return sb.toString();
  }

  /** {@code Fairness [SECONDS_PER_PHASE]}: prints the table. */
  public static void main(String[] args) throws Exception {
    Duration phase = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
    List<Phase> phases = run(phase);
    System.out.print(table(phases));
    boolean ok = phases.stream().allMatch(p -> p.errors().isEmpty() && p.quietServed() > 0);
    System.exit(ok ? 0 : 1);
  }
}
