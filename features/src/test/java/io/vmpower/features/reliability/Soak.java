package io.vmpower.features.reliability;

import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A soak of the host over real AF_UNIX sockets: 8 VMs x 8 channels, a guest on each of the 64
 * channels sending a mix of requests (valid and invalid scale requests, queries while queries are
 * enabled or disabled, CONNECTs, unknown commands, policies), QEMU dropping random channels and
 * restarting random VMs, and an operator running CLI commands in parallel ({@code show_vm}, {@code
 * show_stats}, {@code set_channel_status} toggles, {@code set_cpu_freq} on the two free pCPUs).
 *
 * <h2>Exact accounting</h2>
 *
 * The run is cut into windows. At the end of each, every participant pauses at a request boundary
 * (a checkpoint), the monitor is let go idle, and the counters that moved in the window are
 * compared with what the generator did in it, channel by channel:
 *
 * <ul>
 *   <li>Every request carries a number (in vfid[0], which ACK/NACK echo, or in unit for queries,
 *       which FREQ_LIST/CAPS_LIST echo), so each reply is matched to its request, late or not.
 *   <li>The generator knows each request's outcome counter when it sends it: queries are switched
 *       on or off only at checkpoints, and a request's other fields decide the rest.
 *   <li>A channel that was neither dropped nor toggled in the window loses nothing: REQUESTS moved
 *       by exactly the number sent, each outcome counter by exactly the number sent for it, every
 *       reply came back, nothing was dropped, no hang-up.
 *   <li>A channel that was disabled for a while but not dropped loses nothing either, but requests
 *       read while disabled are dropped without a reply: REQUESTS moved by exactly the number sent;
 *       each outcome with a reply moved by exactly the replies received; DROPPED_DISABLED equals
 *       what the other outcomes lack.
 *   <li>A channel QEMU dropped in the window (or whose VM restarted) may lose requests written
 *       before the drop (virtio-serial discards what the host had not read) and replies not yet
 *       read: a request counts as delivered only when its reply came back. So: replies received
 *       &lt;= the outcome counter &lt;= requests sent of that outcome, and REQUESTS &lt;= sent. The
 *       checkpoint waits for its re-attach, so the hang-up belongs to this window.
 *   <li>Always, with the monitor idle: REQUESTS equals the sum of the outcome counters.
 * </ul>
 */
public final class Soak {
  static final String SCENARIO = scenario();
  static final int VMS = 8;
  static final int CHANNELS = 8;
  static final int VCPUS = 4;
  static final int FREE_CPU_A = 32;
  static final int FREE_CPU_B = 33;
  private static final Duration REPLY_WAIT = Duration.ofSeconds(2);
  private static final Counter[] COUNTERS = Counter.values();

  private static String scenario() {
    StringBuilder sb = new StringBuilder();
    sb.append("host:\n  cpus: 34\n")
        .append("  frequencies: [2601000, 2600000, 2400000, 2200000, 2000000, 1800000,")
        .append(" 1600000, 1400000, 1200000]\n")
        .append("  initialKhz: 2600000\nvms:\n");
    for (int v = 0; v < VMS; v++) {
      sb.append("  - name: s").append(v + 1).append("\n    vcpus: ").append(VCPUS);
      sb.append("\n    pinning: [");
      for (int c = 0; c < VCPUS; c++) {
        sb.append(c == 0 ? "" : ", ").append('"').append(v * VCPUS + c).append('"');
      }
      sb.append("]\n    channels: \"0-").append(CHANNELS - 1).append("\"\n");
    }
    return sb.toString();
  }

  /** What a soak found. */
  record Result(
      Duration took,
      int windows,
      long sent,
      long counted,
      long replies,
      long strictChecks,
      long toggledChecks,
      long droppedChecks,
      long qemuDrops,
      long vmRestarts,
      long cliCommands,
      long toggles,
      long[] totals,
      long fdFirst,
      long fdMax,
      long fdLast,
      List<String> failures) {}

  private final SocketHost host;
  private final Random random;
  private final Worker[][] workers = new Worker[VMS][CHANNELS];
  private final boolean[] queries = new boolean[VMS];
  private final Phaser phaser = new Phaser(1);
  private volatile boolean pause;
  private volatile boolean stop;
  private final List<String> failures = new ArrayList<>();

  // marks of the current window, set by the chaos and CLI threads before they act
  private final BitSet dropped = new BitSet(); // guarded by itself
  private final BitSet toggled = new BitSet(); // guarded by itself
  private final long[] closings = new long[VMS * CHANNELS]; // guarded by dropped
  private long qemuDrops;
  private long vmRestarts;
  private long cliCommands;
  private long toggles;
  private final int[] lastFreeCpuOp = {-1, -1};

  private Soak(SocketHost host, long seed) {
    this.host = host;
    this.random = new Random(seed);
  }

  /** Runs a soak for {@code length} in windows of {@code window}. */
  static Result run(Duration length, Duration window, long seed) throws Exception {
    try (SocketHost host = SocketHost.start(SCENARIO);
        LogCapture quiet = new LogCapture(false)) {
      return new Soak(host, seed).soak(length, window);
    }
  }

  private Result soak(Duration length, Duration window) throws Exception {
    long t0 = System.nanoTime();
    for (int v = 0; v < VMS; v++) {
      for (int c = 0; c < CHANNELS; c++) {
        workers[v][c] = new Worker(v, c, host.guest(vm(v), c, true), random.nextLong());
      }
    }
    long[][][] base = snapshot();
    List<Thread> threads = new ArrayList<>();
    for (Worker[] row : workers) {
      for (Worker w : row) {
        threads.add(participant("guest-" + w.name(), w::loop));
      }
    }
    threads.add(participant("chaos", this::chaos));
    threads.add(participant("operator", this::operator));
    long fdFirst = -1;
    long fdMax = 0;
    long fdLast = 0;
    int windows = 0;
    long strict = 0;
    long toggledChecks = 0;
    long droppedChecks = 0;
    long deadline = t0 + length.toNanos();
    while (true) {
      Thread.sleep(
          Math.max(1, Math.min(window.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
      boolean last = System.nanoTime() >= deadline;
      // checkpoint: everyone pauses at a request boundary
      pause = true;
      phaser.arriveAndAwaitAdvance();
      quiesce();
      long[][][] now = snapshot();
      long[] kinds = check(base, now);
      strict += kinds[0];
      toggledChecks += kinds[1];
      droppedChecks += kinds[2];
      base = now;
      windows++;
      long fds = openFiles();
      fdFirst = fdFirst < 0 ? fds : fdFirst;
      fdMax = Math.max(fdMax, fds);
      fdLast = fds;
      synchronized (dropped) {
        dropped.clear();
        Arrays.fill(closings, 0);
      }
      synchronized (toggled) {
        toggled.clear();
      }
      for (int v = 0; v < VMS; v++) {
        if (random.nextInt(3) == 0) {
          queries[v] = !queries[v];
          host.must("set_query " + vm(v) + (queries[v] ? " enable" : " disable"));
        }
      }
      for (Worker[] row : workers) {
        for (Worker w : row) {
          w.newWindow(queries[w.vm]);
        }
      }
      if (last) {
        stop = true;
      }
      pause = false;
      phaser.arriveAndAwaitAdvance();
      if (last) {
        break;
      }
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    checkFreeCpus();
    long sent = 0;
    long replies = 0;
    long[] totals = new long[COUNTERS.length];
    for (Worker[] row : workers) {
      for (Worker w : row) {
        sent += w.totalSent;
        replies += w.totalReplies;
        failures.addAll(w.errors);
        for (Counter k : COUNTERS) {
          totals[k.ordinal()] += host.channel(vm(w.vm), w.ch).stats().get(k);
        }
      }
    }
    return new Result(
        Duration.ofNanos(System.nanoTime() - t0),
        windows,
        sent,
        totals[Counter.REQUESTS.ordinal()],
        replies,
        strict,
        toggledChecks,
        droppedChecks,
        qemuDrops,
        vmRestarts,
        cliCommands,
        toggles,
        totals,
        fdFirst,
        fdMax,
        fdLast,
        List.copyOf(failures.subList(0, Math.min(failures.size(), 50))));
  }

  private Thread participant(String name, Runnable body) {
    phaser.register();
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (RuntimeException e) {
                fail(name + " died: " + e);
              } finally {
                phaser.arriveAndDeregister();
              }
            },
            "soak-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Called by participants between steps: waits through a checkpoint; false when stopping. */
  private boolean step() {
    if (pause) {
      phaser.arriveAndAwaitAdvance(); // paused
      phaser.arriveAndAwaitAdvance(); // resumed
    }
    return !stop;
  }

  private synchronized void fail(String what) {
    if (failures.size() < 1000) {
      failures.add(what);
    }
  }

  private static String vm(int v) {
    return "s" + (v + 1);
  }

  private static int index(int vm, int ch) {
    return vm * CHANNELS + ch;
  }

  // ---- the checkpoint

  /** Lets the monitor go idle: every request written is read and every reply received. */
  private void quiesce() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    // channels not dropped lose nothing: wait until the host read every request sent
    for (Worker[] row : workers) {
      for (Worker w : row) {
        Channel c = host.channel(vm(w.vm), w.ch);
        if (wasDropped(w)) {
          continue;
        }
        long want = w.base(Counter.REQUESTS) + w.windowSent();
        while (c.stats().get(Counter.REQUESTS) < want) {
          waitOrFail(
              deadline,
              w
                  + ": the host read "
                  + (c.stats().get(Counter.REQUESTS) - w.base(Counter.REQUESTS))
                  + " of "
                  + w.windowSent()
                  + " requests");
        }
      }
    }
    // dropped channels: re-attached, and nothing more happening (hang-ups, reads) for 3 turns
    while (true) {
      for (Worker[] row : workers) {
        for (Worker w : row) {
          Channel c = host.channel(vm(w.vm), w.ch);
          while (wasDropped(w) && c.state() == ChannelState.DISCONNECTED) {
            waitOrFail(deadline, w + ": not re-attached after QEMU dropped it");
          }
        }
      }
      long[][][] before = counters();
      host.settle();
      host.settle();
      host.settle();
      if (Arrays.deepEquals(before, counters()) && allAttached()) {
        break;
      }
      waitOrFail(deadline, "the monitor does not go idle");
    }
    for (Worker[] row : workers) {
      for (Worker w : row) {
        Channel c = host.channel(vm(w.vm), w.ch);
        long answered =
            c.stats().get(Counter.ACKED) + c.stats().nacks() + c.stats().get(Counter.ANSWERED);
        long want = answered - w.base(Counter.ACKED) - w.baseNacks - w.base(Counter.ANSWERED);
        w.drainReplies(wasDropped(w) ? Duration.ofMillis(20) : null, want, deadline);
      }
    }
  }

  private boolean wasDropped(Worker w) {
    synchronized (dropped) {
      return dropped.get(index(w.vm, w.ch));
    }
  }

  private boolean allAttached() {
    for (int v = 0; v < VMS; v++) {
      for (int c = 0; c < CHANNELS; c++) {
        if (host.channel(vm(v), c).state() == ChannelState.DISCONNECTED) {
          return false;
        }
      }
    }
    return true;
  }

  private long[][][] counters() {
    long[][][] s = new long[VMS][CHANNELS][COUNTERS.length];
    for (int v = 0; v < VMS; v++) {
      for (int c = 0; c < CHANNELS; c++) {
        Channel ch = host.channel(vm(v), c);
        for (Counter k : COUNTERS) {
          s[v][c][k.ordinal()] = ch.stats().get(k);
        }
      }
    }
    return s;
  }

  private void waitOrFail(long deadline, String what) throws Exception {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("checkpoint stuck: " + what);
    }
    Thread.sleep(2);
  }

  /** The counters now, which become each worker's base for the next window. */
  private long[][][] snapshot() {
    long[][][] s = counters();
    for (int v = 0; v < VMS; v++) {
      for (int c = 0; c < CHANNELS; c++) {
        Channel ch = host.channel(vm(v), c);
        if (workers[v][c] != null) {
          workers[v][c].base = s[v][c];
          workers[v][c].baseNacks = ch.stats().nacks();
        }
      }
    }
    return s;
  }

  /** Checks each channel's window; returns how many were strict, toggled and dropped checks. */
  private long[] check(long[][][] before, long[][][] after) {
    long[] kinds = new long[3];
    for (int v = 0; v < VMS; v++) {
      for (int c = 0; c < CHANNELS; c++) {
        Worker w = workers[v][c];
        long[] d = new long[COUNTERS.length];
        for (Counter k : COUNTERS) {
          d[k.ordinal()] = after[v][c][k.ordinal()] - before[v][c][k.ordinal()];
        }
        boolean wasDropped;
        boolean wasToggled;
        synchronized (dropped) {
          wasDropped = dropped.get(index(v, c));
        }
        synchronized (toggled) {
          wasToggled = toggled.get(index(v, c));
        }
        String where = w + (wasDropped ? " (dropped)" : wasToggled ? " (toggled)" : "");
        long outcomes = 0;
        for (Counter k : COUNTERS) {
          if (k.isRequestOutcome()) {
            outcomes += after[v][c][k.ordinal()];
          }
        }
        expect(
            outcomes == after[v][c][Counter.REQUESTS.ordinal()],
            where
                + ": REQUESTS "
                + after[v][c][Counter.REQUESTS.ordinal()]
                + " but outcomes "
                + outcomes);
        long sent = w.windowSent();
        if (wasDropped) {
          kinds[2]++;
          long closed;
          synchronized (dropped) {
            closed = closings[index(v, c)];
          }
          expect(
              d[Counter.HANGUPS.ordinal()] >= closed
                  && d[Counter.HANGUPS.ordinal()] == d[Counter.ATTACHES.ordinal()],
              where
                  + ": QEMU closed "
                  + closed
                  + " connection(s); HANGUPS moved "
                  + d[Counter.HANGUPS.ordinal()]
                  + ", ATTACHES "
                  + d[Counter.ATTACHES.ordinal()]);
          expect(d[Counter.REQUESTS.ordinal()] <= sent, where + ": counted more than sent");
          for (Counter k : COUNTERS) {
            if (k.isRequestOutcome() && k != Counter.DROPPED_DISABLED) {
              long got = w.replied[k.ordinal()];
              expect(
                  got <= d[k.ordinal()] && d[k.ordinal()] <= w.sent[k.ordinal()],
                  where
                      + ": "
                      + k
                      + " moved "
                      + d[k.ordinal()]
                      + ", replies "
                      + got
                      + ", sent "
                      + w.sent[k.ordinal()]);
            }
          }
          continue;
        }
        expect(
            d[Counter.REQUESTS.ordinal()] == sent,
            where + ": REQUESTS moved " + d[Counter.REQUESTS.ordinal()] + ", sent " + sent);
        expect(d[Counter.REPLIES_DROPPED.ordinal()] == 0, where + ": replies dropped");
        expect(d[Counter.HANGUPS.ordinal()] == 0, where + ": hung up, yet not dropped by QEMU");
        expect(d[Counter.INCOMPLETE_BYTES.ordinal()] == 0, where + ": incomplete bytes");
        long lacking = 0;
        for (Counter k : COUNTERS) {
          if (!k.isRequestOutcome() || k == Counter.DROPPED_DISABLED) {
            continue;
          }
          long moved = d[k.ordinal()];
          long s = w.sent[k.ordinal()];
          long got = w.replied[k.ordinal()];
          boolean hasReply = Worker.hasReply(k);
          if (!wasToggled) {
            expect(moved == s, where + ": " + k + " moved " + moved + ", sent " + s);
            if (hasReply) {
              expect(got == s, where + ": " + k + " replies " + got + " of " + s);
            }
          } else {
            expect(moved <= s, where + ": " + k + " moved " + moved + ", sent " + s);
            if (hasReply) {
              expect(got == moved, where + ": " + k + " replies " + got + ", moved " + moved);
            }
          }
          lacking += s - moved;
        }
        expect(
            d[Counter.DROPPED_DISABLED.ordinal()] == lacking,
            where
                + ": DROPPED_DISABLED moved "
                + d[Counter.DROPPED_DISABLED.ordinal()]
                + ", the other outcomes lack "
                + lacking);
        kinds[wasToggled ? 1 : 0]++;
      }
    }
    return kinds;
  }

  private void expect(boolean ok, String what) {
    if (!ok) {
      fail(what);
    }
  }

  private void checkFreeCpus() {
    int[] cpus = {FREE_CPU_A, FREE_CPU_B};
    for (int i = 0; i < 2; i++) {
      if (lastFreeCpuOp[i] < 0) {
        continue;
      }
      var s = host.sim.cpuState(cpus[i]);
      int want =
          lastFreeCpuOp[i] == 0
              ? s.table().lowestIndex()
              : (s.table().hasTurbo() && !s.turboEnabled() ? 1 : 0);
      expect(
          s.index() == want,
          "pCPU " + cpus[i] + " at index " + s.index() + " after the operator's last set_cpu_freq");
    }
  }

  private static long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1;
    }
  }

  // ---- chaos: QEMU drops channels and restarts VMs

  private void chaos() {
    Random r = new Random(random.nextLong());
    long nextRestart = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (step()) {
      sleep(50 + r.nextInt(250));
      if (pause || stop) {
        continue;
      }
      if (System.nanoTime() > nextRestart) {
        int v = r.nextInt(VMS);
        synchronized (dropped) {
          for (int c = 0; c < CHANNELS; c++) {
            dropped.set(index(v, c));
          }
        }
        try {
          List<Integer> closed = host.stopVm(vm(v));
          synchronized (dropped) {
            closed.forEach(c -> closings[index(v, c)]++);
          }
          sleep(100 + r.nextInt(200));
          host.startVm(vm(v));
        } catch (IOException | RuntimeException e) {
          fail("restarting " + vm(v) + ": " + e);
        }
        vmRestarts++;
        nextRestart = System.nanoTime() + Duration.ofSeconds(3 + r.nextInt(4)).toNanos();
      } else {
        int v = r.nextInt(VMS);
        int c = r.nextInt(CHANNELS);
        synchronized (dropped) {
          dropped.set(index(v, c));
          if (host.qemu.hangUp(vm(v), c)) {
            closings[index(v, c)]++;
            qemuDrops++;
          }
        }
      }
    }
  }

  // ---- the operator at the CLI

  private void operator() {
    Random r = new Random(random.nextLong());
    while (step()) {
      sleep(10 + r.nextInt(30));
      if (pause || stop) {
        continue;
      }
      int v = r.nextInt(VMS);
      switch (r.nextInt(6)) {
        case 0 -> cli("show_vm " + vm(v));
        case 1 -> cli("show_stats");
        case 2 -> cli("show_vms");
        case 3 -> {
          int i = r.nextInt(2);
          int op = r.nextInt(2);
          cli("set_cpu_freq " + (i == 0 ? FREE_CPU_A : FREE_CPU_B) + (op == 0 ? " min" : " max"));
          lastFreeCpuOp[i] = op;
        }
        default -> {
          int c = r.nextInt(CHANNELS);
          synchronized (toggled) {
            toggled.set(index(v, c));
          }
          cli("set_channel_status " + vm(v) + " " + c + " disabled");
          sleep(20 + r.nextInt(150));
          cli("set_channel_status " + vm(v) + " " + c + " enabled");
          toggles++;
        }
      }
    }
  }

  private void cli(String line) {
    int code = host.run(line);
    cliCommands++;
    if (code != 0) {
      fail("'" + line + "' failed: " + host.lastOut() + host.lastErr());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- a guest

  /** What a guest sends: each with the outcome counter the host must give it. */
  private enum Kind {
    SCALE,
    BAD_VCPU,
    BAD_UNIT,
    PHYSICAL,
    UNKNOWN_COMMAND,
    POLICY,
    POLICY_REMOVE,
    QUERY_LIST,
    QUERY_ONE,
    QUERY_BAD_VCPU,
    CONNECT
  }

  private static final Kind[] MIX = {
    Kind.SCALE,
    Kind.SCALE,
    Kind.SCALE,
    Kind.SCALE,
    Kind.SCALE,
    Kind.SCALE,
    Kind.BAD_VCPU,
    Kind.BAD_UNIT,
    Kind.PHYSICAL,
    Kind.UNKNOWN_COMMAND,
    Kind.POLICY,
    Kind.POLICY_REMOVE,
    Kind.QUERY_LIST,
    Kind.QUERY_LIST,
    Kind.QUERY_ONE,
    Kind.QUERY_ONE,
    Kind.QUERY_BAD_VCPU,
    Kind.CONNECT,
    Kind.CONNECT
  };

  private final class Worker {
    final int vm;
    final int ch;
    final GuestLink link;
    final Random r;
    final List<String> errors = new ArrayList<>();
    boolean queriesOn;
    int seq;
    byte[] outcomeOf = new byte[4096]; // by seq: the expected outcome counter's ordinal
    byte[] lastPacket;
    long[] sent = new long[COUNTERS.length];
    long[] replied = new long[COUNTERS.length];
    long totalSent;
    long totalReplies;
    long[] base = new long[COUNTERS.length];
    long baseNacks;

    Worker(int vm, int ch, GuestLink link, long seed) {
      this.vm = vm;
      this.ch = ch;
      this.link = link;
      this.r = new Random(seed);
    }

    String name() {
      return vm(vm) + "." + ch;
    }

    @Override
    public String toString() {
      return name();
    }

    long base(Counter k) {
      return base[k.ordinal()];
    }

    long windowSent() {
      long n = 0;
      for (long s : sent) {
        n += s;
      }
      return n;
    }

    void newWindow(boolean queries) {
      queriesOn = queries;
      Arrays.fill(sent, 0);
      Arrays.fill(replied, 0);
    }

    static boolean hasReply(Counter k) {
      return k == Counter.ACKED || k == Counter.ANSWERED || k.isNack();
    }

    void loop() {
      while (step()) {
        if (!link.connected()) {
          try {
            link.connect(Duration.ofMillis(200));
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        try {
          one();
          drain(Duration.ZERO);
        } catch (IOException e) {
          // QEMU dropped the channel: take the next connection
          link.hangUp();
        } catch (InterruptedException e) {
          return;
        }
        int pause = r.nextInt(3);
        if (pause > 0) {
          sleep(pause);
        }
      }
    }

    private void one() throws IOException, InterruptedException {
      Kind kind = MIX[r.nextInt(MIX.length)];
      int s = seq++;
      byte[] p = packet(kind, s);
      Counter outcome = outcome(kind);
      if (s >= outcomeOf.length) {
        outcomeOf = Arrays.copyOf(outcomeOf, outcomeOf.length * 2);
      }
      outcomeOf[s] = (byte) outcome.ordinal();
      sent[outcome.ordinal()]++;
      totalSent++;
      lastPacket = p;
      link.write(p);
      if (hasReply(outcome)) {
        // wait for this reply (it may never come: the channel may be disabled meanwhile)
        long deadline = System.nanoTime() + REPLY_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
          int got = nextReply(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
          if (got == s || got < 0) {
            break;
          }
        }
      }
    }

    private byte[] packet(Kind kind, int s) {
      int vcpu = r.nextInt(VCPUS);
      return switch (kind) {
        case SCALE -> Packets.scale(vcpu, 1 + r.nextInt(6), s);
        case BAD_VCPU ->
            Packets.scale(
                r.nextBoolean() ? VCPUS + r.nextInt(100) : r.nextLong() | (1L << 40),
                Wire.SCALE_UP,
                s);
        case BAD_UNIT -> Packets.scale(vcpu, r.nextBoolean() ? 0 : 7 + r.nextInt(1000), s);
        case PHYSICAL -> Packets.physical(Packets.scale(vcpu, Wire.SCALE_DOWN, s));
        case UNKNOWN_COMMAND -> tagged(new int[] {5, 6, 11, 99}[r.nextInt(4)], 0, 0, s);
        case POLICY -> tagged(Wire.PKT_POLICY, 0, 0, s); // num_vcpu 0: refused
        case POLICY_REMOVE -> tagged(Wire.PKT_POLICY_REMOVE, 0, 0, s); // no guest policy to remove
        case QUERY_LIST ->
            Packets.request(r.nextBoolean() ? Wire.QUERY_FREQ_LIST : Wire.QUERY_CAPS_LIST, s, 0);
        case QUERY_ONE ->
            Packets.request(r.nextBoolean() ? Wire.QUERY_FREQ : Wire.QUERY_CAPS, s, vcpu);
        case QUERY_BAD_VCPU ->
            Packets.request(
                r.nextBoolean() ? Wire.QUERY_FREQ : Wire.QUERY_CAPS, s, VCPUS + r.nextInt(50));
        case CONNECT -> Packets.request(Wire.CPU_POWER_CONNECT, 0, 0);
      };
    }

    private byte[] tagged(int command, int unit, long resource, int s) {
      byte[] p = Packets.request(command, unit, resource);
      ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putLong(Wire.OFF_VFID, s);
      return p;
    }

    private Counter outcome(Kind kind) {
      return switch (kind) {
        case SCALE -> Counter.ACKED;
        case BAD_VCPU -> Counter.NACK_UNKNOWN_VCPU;
        case BAD_UNIT -> Counter.NACK_UNKNOWN_UNIT;
        case PHYSICAL -> Counter.NACK_PHYSICAL_CORE;
        case UNKNOWN_COMMAND -> Counter.NACK_UNKNOWN_COMMAND;
        case POLICY -> Counter.NACK_POLICY_BAD_VCPU;
        case POLICY_REMOVE -> Counter.NACK_POLICY_NONE;
        case QUERY_LIST, QUERY_ONE -> queriesOn ? Counter.ANSWERED : Counter.REFUSED_QUERY_DISABLED;
        case QUERY_BAD_VCPU ->
            queriesOn ? Counter.REFUSED_QUERY_BAD_VCPU : Counter.REFUSED_QUERY_DISABLED;
        case CONNECT -> Counter.CONNECTS;
      };
    }

    /** Takes the replies that are there (waiting up to {@code wait} for the first). */
    private void drain(Duration wait) throws IOException, InterruptedException {
      while (nextReply(wait) >= 0) {
        wait = Duration.ZERO;
      }
    }

    /**
     * At a checkpoint: takes replies until {@code want} came in the window, or (when {@code quiet}
     * is given, for a dropped channel) until none came for that long.
     */
    void drainReplies(Duration quiet, long want, long deadline) throws Exception {
      try {
        if (quiet != null) {
          while (link.connected() && nextReply(quiet) >= 0) {
            // take them all
          }
          return;
        }
        while (windowReplies() < want) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "checkpoint stuck: "
                    + this
                    + " received "
                    + windowReplies()
                    + " of "
                    + want
                    + " replies");
          }
          nextReply(Duration.ofMillis(10));
        }
        if (nextReply(Duration.ZERO) >= 0) {
          errors.add(this + ": a reply more than the host counted");
        }
      } catch (IOException e) {
        if (quiet == null) {
          errors.add(this + ": hung up at a checkpoint without being dropped: " + e);
        }
        link.hangUp();
      }
    }

    private long windowReplies() {
      long n = 0;
      for (long x : replied) {
        n += x;
      }
      return n;
    }

    /**
     * Takes one reply, waiting up to {@code wait}; returns its request's number, or -1 when none
     * came.
     */
    private int nextReply(Duration wait) throws IOException, InterruptedException {
      if (!link.connected()) {
        return -1;
      }
      byte[] head = link.peek(16, wait);
      if (head == null) {
        return -1;
      }
      int command = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(Wire.OFF_COMMAND);
      int size =
          switch (command) {
            case Wire.ACK, Wire.NACK -> Wire.REQUEST_SIZE;
            case Wire.FREQ_LIST -> Wire.FREQ_LIST_SIZE;
            case Wire.CAPS_LIST -> Wire.CAPS_LIST_SIZE;
            default -> -1;
          };
      if (size < 0) {
        errors.add(this + ": a reply with command " + command + ": the stream is misaligned");
        link.hangUp();
        throw new IOException("misaligned");
      }
      byte[] reply = link.read(size, REPLY_WAIT);
      if (reply == null) {
        errors.add(this + ": a reply cut short (" + size + " bytes expected)");
        return -1;
      }
      ByteBuffer b = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
      long s = size == Wire.REQUEST_SIZE ? b.getLong(Wire.OFF_VFID) : b.getInt(Wire.OFF_UNIT);
      if (s < 0 || s >= seq) {
        errors.add(this + ": a reply to request " + s + ", which was never sent");
        return -1;
      }
      Counter outcome = COUNTERS[outcomeOf[(int) s]];
      boolean right =
          switch (command) {
            case Wire.ACK -> outcome == Counter.ACKED;
            case Wire.NACK -> outcome.isNack();
            default -> outcome == Counter.ANSWERED;
          };
      if (!right) {
        errors.add(this + ": request " + s + " (" + outcome + ") got command " + command);
      }
      if (s == seq - 1 && size == Wire.REQUEST_SIZE && lastPacket != null) {
        byte[] echo = lastPacket.clone();
        ByteBuffer.wrap(echo).order(ByteOrder.LITTLE_ENDIAN).putInt(Wire.OFF_COMMAND, command);
        if (!Arrays.equals(echo, reply)) {
          errors.add(this + ": request " + s + ": the reply does not echo it");
        }
      }
      replied[outcome.ordinal()]++;
      totalReplies++;
      return (int) s;
    }
  }

  /** The figures as Markdown. */
  static String report(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Soak: %d VMs x %d channels over real AF_UNIX sockets, %d s in %d windows%n%n",
            VMS,
            CHANNELS,
            r.took().toSeconds(),
            r.windows()));
    sb.append("| figure | value |\n|---|---|\n");
    row(sb, "requests sent by the guests", r.sent());
    row(sb, "requests counted by the host (REQUESTS)", r.counted());
    row(sb, "lost in QEMU drops and VM restarts (sent - counted)", r.sent() - r.counted());
    row(sb, "replies received and matched to their request", r.replies());
    row(sb, "channel windows checked exactly (no drop, no toggle)", r.strictChecks());
    row(sb, "channel windows checked exactly with a disable/enable toggle", r.toggledChecks());
    row(sb, "channel windows with a QEMU drop (bounds checked)", r.droppedChecks());
    row(sb, "QEMU drops of a channel", r.qemuDrops());
    row(sb, "VM restarts (stop + start)", r.vmRestarts());
    row(sb, "CLI commands run in parallel", r.cliCommands());
    row(sb, "set_channel_status disable/enable toggles", r.toggles());
    for (Counter k : COUNTERS) {
      if (k != Counter.REQUESTS && r.totals()[k.ordinal()] != 0) {
        row(sb, "host counter " + k, r.totals()[k.ordinal()]);
      }
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "| open file descriptors (first / max / last checkpoint) | %d / %d / %d |%n",
            r.fdFirst(),
            r.fdMax(),
            r.fdLast()));
    sb.append("| failures | ").append(r.failures().size()).append(" |\n");
    for (String f : r.failures()) {
      sb.append("\n- ").append(f);
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String what, long value) {
    sb.append("| ").append(what).append(" | ").append(value).append(" |\n");
  }

  /** {@code Soak [SECONDS]}: runs a soak (default 600 s) and prints the figures. */
  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 600;
    Result r =
        run(
            Duration.ofSeconds(seconds),
            Duration.ofSeconds(2),
            ThreadLocalRandom.current().nextLong());
    System.out.print(report(r));
    System.exit(r.failures().isEmpty() ? 0 : 1);
  }
}
