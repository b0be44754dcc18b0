package io.vmpower.cli.sim;

import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedGuestApp;
import io.vmpower.hal.sim.SimulatedHost;
import io.vmpower.hal.sim.SimulatedQemuSockets;
import io.vmpower.hal.sim.SimulatedWorkloads;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live demo's motion: a daemon thread that, four times a second, moves the simulated clock so
 * that it runs {@code live.speed} times faster than real time, sets the workloads' loads for the
 * new time (except the vCPUs an operator set with {@code sim_load}), and lets the guest
 * applications of {@code live.guests} look at their lcores and ask, over the real guest port
 * sockets of {@link SimulatedQemuSockets}, the way a DPDK guest through socat would.
 */
public final class SimLive implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimLive.class);
  static final Duration TICK = Duration.ofMillis(250);

  private final SimulatedHost host;
  private final SimulatedWorkloads workloads;
  private final SimOverrides overrides;
  private final List<SimulatedGuestApp> guests = new ArrayList<>();
  private final List<SocketPort> sockets = new ArrayList<>();
  private final long seed;
  private volatile boolean running;
  private Thread thread;

  public SimLive(
      SimulatedHost host,
      Scenario scenario,
      SimulatedQemuSockets qemu,
      SimOverrides overrides,
      long seed) {
    this.host = host;
    this.workloads = SimulatedWorkloads.resolve(scenario, "scenario");
    this.overrides = overrides;
    this.seed = seed;
    for (SimulatedWorkloads.GuestPlan g : workloads.liveGuests()) {
      guests.add(
          new SimulatedGuestApp(
              host,
              g,
              ch -> {
                SocketPort p = new SocketPort(qemu, g.vm(), ch);
                sockets.add(p);
                return p;
              }));
    }
  }

  /** What moves by itself, for the start-up report; empty when nothing does. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    if (workloads.isEmpty() && guests.isEmpty()) {
      return out;
    }
    out.add(
        "Live demo: the scenario's workloads move by themselves, "
            + (workloads.liveSpeed() == 1
                ? "in real time"
                : String.format(
                    java.util.Locale.ROOT,
                    "%.0f times faster than real time (a day in %d minutes)",
                    workloads.liveSpeed(),
                    Math.round(24 * 60 / workloads.liveSpeed())))
            + (guests.isEmpty()
                ? ""
                : "; l3fwd-power guest applications ask on "
                    + String.join(", ", guests.stream().map(SimulatedGuestApp::vm).toList())
                    + "'s channels (add_vm and add_channels them to serve them)")
            + ". watch_cpus shows it; sim_load, sim_advance and the other sim_* commands drive it.");
    return out;
  }

  /** Starts the thread (nothing when nothing moves). */
  public synchronized SimLive start() {
    if (thread != null || (workloads.isEmpty() && guests.isEmpty())) {
      return this;
    }
    running = true;
    workloads.apply(host, seed, overrides::has);
    thread = new Thread(this::loop, "vmpower-sim-live");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void loop() {
    long last = System.nanoTime();
    double extra = workloads.liveSpeed() - 1;
    while (running) {
      LockSupport.parkNanos(this, TICK.toNanos());
      long now = System.nanoTime();
      try {
        if (extra > 0) {
          host.advance(Duration.ofNanos((long) ((now - last) * extra)));
        }
        workloads.apply(host, seed, overrides::has);
        for (SimulatedGuestApp g : guests) {
          g.tick();
        }
      } catch (RuntimeException e) {
        log.warn("live demo: {}", e.toString());
      }
      last = now;
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sockets.forEach(SocketPort::close);
  }

  /**
   * A guest's end of a channel over the guest port socket; reconnects after a hang-up. It asks only
   * while the host is connected to the channel's host socket (a guest whose requests nobody reads
   * would fill QEMU's buffer), and a request the socket took only in part is finished before the
   * next, so the host always reads whole 464-byte requests.
   */
  static final class SocketPort implements SimulatedGuestApp.Port {
    private final SimulatedQemuSockets qemu;
    private final String vm;
    private final int ch;
    private final Path path;
    private SocketChannel channel;
    private ByteBuffer unsent;

    SocketPort(SimulatedQemuSockets qemu, String vm, int ch) {
      this.qemu = qemu;
      this.vm = vm;
      this.ch = ch;
      this.path = qemu.guestSocket(vm, ch);
    }

    @Override
    public boolean ready() {
      try {
        if (!qemu.hostConnected(vm, ch)) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
      if (channel == null) {
        if (!Files.exists(path)) {
          return false;
        }
        try {
          SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
          c.connect(UnixDomainSocketAddress.of(path));
          c.configureBlocking(false);
          channel = c;
        } catch (IOException e) {
          log.debug("live guest: cannot connect to {}: {}", path, e.getMessage());
          return false;
        }
      }
      return flush();
    }

    @Override
    public void write(byte[] bytes) {
      unsent = ByteBuffer.wrap(bytes);
      flush();
    }

    /** Writes what is left of the last request; true when nothing is. */
    private boolean flush() {
      if (unsent == null) {
        return true;
      }
      try {
        while (unsent.hasRemaining() && channel.write(unsent) > 0) {
          // the socket takes what it can now; the rest at the next tick
        }
      } catch (IOException e) {
        close();
        return false;
      }
      if (unsent.hasRemaining()) {
        return false;
      }
      unsent = null;
      return true;
    }

    @Override
    public byte[] readNow() {
      if (channel == null) {
        return new byte[0];
      }
      ByteBuffer b = ByteBuffer.allocate(64 * 1024);
      try {
        int n = channel.read(b);
        if (n < 0) {
          close();
          return new byte[0];
        }
        return Arrays.copyOf(b.array(), Math.max(0, n));
      } catch (IOException e) {
        close();
        return new byte[0];
      }
    }

    void close() {
      unsent = null;
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing
        }
        channel = null;
      }
    }
  }
}
