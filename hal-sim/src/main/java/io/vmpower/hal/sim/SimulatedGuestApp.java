package io.vmpower.hal.sim;

import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A guest application that behaves like DPDK's {@code l3fwd-power} with the KVM power environment:
 * one lcore per vCPU, lcore N asking on channel N (the virtio-serial port {@code
 * virtio.serial.port.poweragent.N}), through the simulated guest port, the channel transport, the
 * host's monitor and dispatcher, exactly as a real guest's requests go.
 *
 * <p>Every {@code period}, each lcore looks at how busy its polling loop was (its vCPU's busy
 * share: its load at the frequency its pCPU runs at) and, as l3fwd-power does from its rx queue's
 * fill, asks for {@code SCALE_MAX} when saturated (≥ 99 %: packets are waiting), {@code SCALE_UP}
 * above {@code up} %, {@code SCALE_DOWN} below {@code down} % (idle polls), nothing in between.
 * Replies (464 bytes each, ACK or NACK) are read and counted. Single-threaded: the caller drives
 * {@link #tick}; nothing waits.
 */
public final class SimulatedGuestApp {
  /**
   * The guest's end of one channel: the simulated guest port (accelerated runs), or a socket that
   * stands for the virtio-serial port (the live demo over {@link SimulatedQemuSockets}).
   */
  public interface Port {
    /** Whether the host end is there to read what is written. */
    boolean ready();

    void write(byte[] bytes);

    /** What the host wrote, without waiting (empty when nothing). */
    byte[] readNow();
  }

  /** Busy share at which an lcore counts as saturated. */
  public static final double SATURATED = 99;

  private final SimulatedHost host;
  private final SimulatedWorkloads.GuestPlan plan;
  private final int[] channels;
  private final Port[] ports;
  private final ByteArrayOutputStream[] pending;
  private final long periodNanos;
  private long nextNanos;
  private long sent;
  private long acks;
  private long nacks;

  /** An application whose lcores use the simulated guest ports. */
  public SimulatedGuestApp(SimulatedHost host, SimulatedWorkloads.GuestPlan plan) {
    this(host, plan, ch -> guestPort(host.guestPort(plan.vm(), ch)));
  }

  /** An application whose lcore N uses {@code ports.apply(N)}. */
  public SimulatedGuestApp(
      SimulatedHost host,
      SimulatedWorkloads.GuestPlan plan,
      java.util.function.IntFunction<Port> ports) {
    this.host = host;
    this.plan = plan;
    List<Integer> chans = host.channels(plan.vm());
    int vcpus = host.vcpuCount(plan.vm());
    this.channels = chans.stream().mapToInt(Integer::intValue).filter(c -> c < vcpus).toArray();
    this.ports = new Port[channels.length];
    Arrays.setAll(this.ports, i -> ports.apply(channels[i]));
    this.pending = new ByteArrayOutputStream[channels.length];
    Arrays.setAll(pending, i -> new ByteArrayOutputStream());
    this.periodNanos = plan.period().toNanos();
    long now = host.clock().nanoTime();
    this.nextNanos = (Math.floorDiv(now, periodNanos) + 1) * periodNanos;
  }

  public String vm() {
    return plan.vm();
  }

  /** When this application looks at its lcores next (clock nanos). */
  public long nextDueNanos() {
    return nextNanos;
  }

  public Duration period() {
    return plan.period();
  }

  /**
   * Reads the replies that arrived, then, when a period has passed, looks at each lcore and sends
   * what it asks for. Does nothing while the VM is not running or its channel has no host end.
   */
  public void tick() {
    readReplies();
    long now = host.clock().nanoTime();
    if (now < nextNanos) {
      return;
    }
    nextNanos = (Math.floorDiv(now, periodNanos) + 1) * periodNanos;
    if (host.vmState(plan.vm()) != io.vmpower.core.hal.VmState.RUNNING) {
      return;
    }
    for (int i = 0; i < channels.length; i++) {
      int ch = channels[i];
      Port port = ports[i];
      if (!port.ready()) {
        continue;
      }
      int unit = decide(host.vcpuBusyShare(plan.vm(), ch) * 100);
      if (unit == 0) {
        continue;
      }
      PowerRequest r = PowerRequest.cpuPower(ch, unit);
      r.vmName = plan.vm();
      port.write(PowerRequestCodec.encode(r, WireFormat.DPDK));
      sent++;
    }
  }

  /** What an lcore busy {@code percent} % asks for (a {@link Wire} unit), 0 for nothing. */
  int decide(double percent) {
    if (percent >= SATURATED) {
      return Wire.SCALE_MAX;
    }
    if (percent > plan.up()) {
      return Wire.SCALE_UP;
    }
    if (percent < plan.down()) {
      return Wire.SCALE_DOWN;
    }
    return 0;
  }

  /** Takes every reply the host wrote, counting ACKs and NACKs. */
  public void readReplies() {
    for (int i = 0; i < channels.length; i++) {
      byte[] got = ports[i].readNow();
      if (got.length == 0) {
        continue;
      }
      pending[i].writeBytes(got);
      byte[] all = pending[i].toByteArray();
      int off = 0;
      while (all.length - off >= Wire.REQUEST_SIZE) {
        ReplyCodec.Reply reply =
            ReplyCodec.decode(Arrays.copyOfRange(all, off, off + Wire.REQUEST_SIZE));
        if (reply.isAck()) {
          acks++;
        } else if (reply.isNack()) {
          nacks++;
        }
        off += Wire.REQUEST_SIZE;
      }
      pending[i].reset();
      pending[i].write(all, off, all.length - off);
    }
  }

  private static Port guestPort(SimulatedGuestPort p) {
    return new Port() {
      @Override
      public boolean ready() {
        return p.hostAttached();
      }

      @Override
      public void write(byte[] bytes) {
        p.write(bytes);
      }

      @Override
      public byte[] readNow() {
        return p.readNow();
      }
    };
  }

  /** Requests sent so far. */
  public long sent() {
    return sent;
  }

  /** ACK replies received so far. */
  public long acks() {
    return acks;
  }

  /** NACK replies received so far. */
  public long nacks() {
    return nacks;
  }
}
