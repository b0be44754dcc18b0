package io.vmpower.features.reliability;

import io.vmpower.core.monitor.RefusalLog;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.wire.Wire;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fuzz campaign against the running monitor over real AF_UNIX sockets: attacks on vm1 channel 0,
 * one after the other, while well-behaved guests on vm1 channel 1 (vCPU 1, pCPU 3) and vm2 channel
 * 0 (vCPU 3, pCPU 7) keep scaling and checking every ACK and frequency. For each attack it records
 * the reply the attacker saw, the counters that moved ({@code show_stats}) and the log lines an
 * operator sees, as a Markdown table.
 *
 * <p>Run longer from the command line: {@code FuzzCampaign --scale 10 [--out FILE]} (scale
 * multiplies the sizes of the floods and bursts); {@link FuzzCampaignTest} runs scale 1.
 */
public final class FuzzCampaign {
  /** One attack's line of the table. */
  record Row(
      String attack,
      String sent,
      String reply,
      String counters,
      long[] deltas,
      String log,
      long goodServed) {
    long delta(Counter c) {
      return deltas[c.ordinal()];
    }
  }

  /** The table and how the good guests fared. */
  record Result(List<Row> rows, long goodServed, List<String> goodErrors, String stats) {
    Row row(String attackPrefix) {
      return rows.stream()
          .filter(r -> r.attack().startsWith(attackPrefix))
          .findFirst()
          .orElseThrow();
    }
  }

  private interface Attack {
    /** Sends the attack; returns how many whole requests the host must count. */
    long run(GuestLink attacker) throws Exception;
  }

  private final SocketHost host;
  private final int scale;
  private final LogCapture logs;
  private final Random random = new Random(20261129L);
  private final List<Row> rows = new ArrayList<>();
  private GuestLink attacker;
  private GoodGuest[] good;

  private FuzzCampaign(SocketHost host, int scale, LogCapture logs) {
    this.host = host;
    this.scale = scale;
    this.logs = logs;
  }

  /** Runs the campaign on a fresh host over real sockets. */
  static Result run(int scale) throws Exception {
    try (SocketHost host = SocketHost.startDefault();
        LogCapture logs = new LogCapture()) {
      host.must("set_query vm1 enable");
      return new FuzzCampaign(host, scale, logs).attacks();
    }
  }

  private Result attacks() throws Exception {
    attacker = host.guest("vm1", 0, true);
    good =
        new GoodGuest[] {
          new GoodGuest(host.guest("vm1", 1, true), host.sim, 1, 3, Duration.ofMillis(1)).start(),
          new GoodGuest(host.guest("vm2", 0, true), host.sim, 3, 7, Duration.ofMillis(1)).start()
        };

    int randomBytes = scale * 50 * Wire.REQUEST_SIZE + 100;
    attack(
        "random bytes, then QEMU drops the host (to realign)",
        randomBytes + " random bytes",
        a -> {
          byte[] junk = new byte[randomBytes];
          random.nextBytes(junk);
          a.write(junk);
          return randomBytes / Wire.REQUEST_SIZE;
        },
        true);
    attack(
        "truncated request, then QEMU drops the host",
        "200 of 464 bytes",
        a -> {
          a.write(java.util.Arrays.copyOf(Packets.scale(0, Wire.SCALE_DOWN, 1), 200));
          return 0;
        },
        true);
    one("unknown command", "command 99", Packets.request(99, 0, 0));
    one("unknown unit", "CPU_POWER unit 42", Packets.request(Wire.CPU_POWER, 42, 0));
    one(
        "resource_id one past the VM's vCPUs",
        "CPU_POWER vCPU 2 (vm1 has 2)",
        Packets.scale(2, Wire.SCALE_DOWN, 0));
    one(
        "resource_id at the top of u64",
        "CPU_POWER vCPU 2^64-1",
        Packets.scale(-1L, Wire.SCALE_DOWN, 0));
    one(
        "core_type physical",
        "CPU_POWER pCPU 5, core_type 1",
        Packets.physical(Packets.scale(5, Wire.SCALE_MIN, 0)));
    long pcpu4 = host.sim.frequencyKhz(4);
    one(
        "vm_name of another VM (scale)",
        "CPU_POWER vCPU 0 down, vm_name \"vm2\"",
        Packets.named(Packets.scale(0, Wire.SCALE_DOWN, 0), "vm2"));
    if (host.sim.frequencyKhz(4) != pcpu4) {
      throw new IllegalStateException("vm2's vCPU 0 (pCPU 4) was scaled by vm1's guest");
    }
    one(
        "vm_name of another VM (query)",
        "QUERY_FREQ_LIST, vm_name \"vm2\"",
        Packets.named(Packets.request(Wire.QUERY_FREQ_LIST, 0, 0), "vm2"));
    host.must("set_query vm1 disable");
    one(
        "query while queries are disabled",
        "QUERY_FREQ vCPU 0",
        Packets.request(Wire.QUERY_FREQ, 0, 0));
    host.must("set_query vm1 enable");
    one(
        "query of a vCPU the VM does not have",
        "QUERY_CAPS vCPU 9",
        Packets.request(Wire.QUERY_CAPS, 0, 9));
    one("traffic policy", "PKT_POLICY", Packets.request(Wire.PKT_POLICY, 0, 0));
    int connects = scale * 5000;
    attack(
        "burst of CONNECT",
        connects + " x CPU_POWER_CONNECT",
        a -> {
          a.write(Packets.times(Packets.request(Wire.CPU_POWER_CONNECT, 0, 0), connects));
          return connects;
        },
        false);
    int flood = scale * 10_000;
    attack(
        "flood of bad packets, replies read",
        flood + " x CPU_POWER unit 42, back to back",
        a -> {
          byte[] bad = Packets.times(Packets.request(Wire.CPU_POWER, 42, 0), 100);
          for (int i = 0; i < flood / 100; i++) {
            a.write(bad);
          }
          return flood;
        },
        false);
    int unread = scale * 3000;
    attacker.hangUp();
    attacker.reading(false);
    connect();
    host.settle();
    attack(
        "guest that never reads its replies",
        unread + " x CPU_POWER vCPU 0 down/up, no read",
        a -> {
          for (int i = 0; i < unread / 2; i++) {
            a.write(Packets.scale(0, Wire.SCALE_DOWN, i));
            a.write(Packets.scale(0, Wire.SCALE_UP, i));
          }
          return unread;
        },
        true);

    for (GoodGuest g : good) {
      g.stop();
    }
    List<String> errors = new ArrayList<>();
    long served = 0;
    for (GoodGuest g : good) {
      served += g.served();
      g.errors().forEach(e -> errors.add(g.name() + ": " + e));
    }
    host.must("show_stats");
    return new Result(List.copyOf(rows), served, errors, host.lastOut());
  }

  private void connect() throws InterruptedException {
    if (!attacker.connect(Duration.ofSeconds(10))) {
      throw new IllegalStateException("the host did not re-attach vm1.0");
    }
  }

  private void one(String name, String sent, byte[] packet) throws Exception {
    attack(
        name,
        sent,
        a -> {
          a.write(packet);
          return 1;
        },
        false);
  }

  private void attack(String name, String sent, Attack body, boolean thenHangUp) throws Exception {
    Channel c = host.channel("vm1", 0);
    long[] before = counters(c);
    int mark = logs.mark();
    long goodBefore = goodServed();
    attacker.takeAll();

    long requests = body.run(attacker);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (c.stats().get(Counter.REQUESTS) < before[Counter.REQUESTS.ordinal()] + requests) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": the host did not read the requests in 60 s");
      }
      Thread.sleep(5);
    }
    host.settle();
    String reply = Packets.describeReplies(attacker.takeUntilQuiet(Duration.ofMillis(200)));
    if (thenHangUp) {
      attacker.hangUp();
      attacker.reading(true);
      connect();
      host.settle();
    }
    if (logs.since(mark).size() >= RefusalLog.BURST) {
      Thread.sleep(1100); // a rate-limit summary is written once its second is over
      host.settle();
    }
    long[] after = counters(c);
    long[] deltas = new long[after.length];
    StringBuilder moved = new StringBuilder();
    for (Counter k : Counter.values()) {
      deltas[k.ordinal()] = after[k.ordinal()] - before[k.ordinal()];
      if (deltas[k.ordinal()] != 0) {
        moved.append(moved.length() == 0 ? "" : ", ").append(k).append(" +");
        moved.append(deltas[k.ordinal()]);
      }
    }
    rows.add(
        new Row(
            name,
            sent,
            reply,
            moved.toString(),
            deltas,
            logs.summary(mark, 3),
            goodServed() - goodBefore));
  }

  private long goodServed() {
    long n = 0;
    for (GoodGuest g : good) {
      n += g.served();
    }
    return n;
  }

  private static long[] counters(Channel c) {
    Counter[] all = Counter.values();
    long[] out = new long[all.length];
    for (Counter k : all) {
      out[k.ordinal()] = c.stats().get(k);
    }
    return out;
  }

  /** The table in Markdown. */
  static String table(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| # | attack on vm1.0 | sent | reply the attacker read | counters moved (show_stats) |"
            + " log lines (INFO and above; WARN is shown by default) | good guests' round trips"
            + " meanwhile |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    int i = 1;
    for (Row row : r.rows()) {
      sb.append("| ")
          .append(i++)
          .append(" | ")
          .append(cell(row.attack()))
          .append(" | ")
          .append(cell(row.sent()))
          .append(" | ")
          .append(cell(row.reply()))
          .append(" | ")
          .append(cell(row.counters()))
          .append(" | ")
          .append(cell(row.log()))
          .append(" | ")
          .append(row.goodServed())
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** {@code FuzzCampaign [--scale N] [--out FILE]}: runs the campaign and prints the table. */
  public static void main(String[] args) throws Exception {
    int scale = 10;
    Path outFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = Integer.parseInt(args[++i]);
        case "--out" -> outFile = Path.of(args[++i]);
        default -> {
          System.err.println("usage: FuzzCampaign [--scale N] [--out FILE]");
          System.exit(2);
        }
      }
    }
    long t0 = System.nanoTime();
    Result r = run(scale);
    String report = report(r, scale, Duration.ofNanos(System.nanoTime() - t0));
    print(System.out, report);
    if (outFile != null) {
      Files.writeString(outFile, report, StandardCharsets.UTF_8);
    }
    System.exit(r.goodErrors().isEmpty() ? 0 : 1);
  }

  static String report(Result r, int scale, Duration took) {
    return "Fuzz campaign, scale "
        + scale
        + ", "
        + took.toMillis()
        + " ms; good guests: "
        + r.goodServed()
        + " round trips, "
        + r.goodErrors().size()
        + " errors "
        + r.goodErrors()
        + "\n\n"
        + table(r);
  }

  private static void print(PrintStream out, String s) throws IOException {
    out.print(s);
    out.flush();
  }
}
