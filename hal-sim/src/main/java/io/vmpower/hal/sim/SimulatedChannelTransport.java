package io.vmpower.hal.sim;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import io.vmpower.core.hal.ChannelTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Channels of a {@link SimulatedHost} as in-memory pipes that behave like virtio-serial sockets
 * (see wire-protocol.md, "Transport"): {@link #open} connects to {@code {channelDir}/{vm}.{n}},
 * guest bytes written before are delivered, a byte stream may split or coalesce packets, and a
 * hang-up shows as end-of-file.
 *
 * <p>{@link #await} is level-triggered like a selector: {@code onReadable} while an endpoint has
 * bytes or has reached end-of-file (a hang-up), {@code onWritable} while it is watched for writing
 * and the guest has room, {@code onHangUp} while its socket has failed ({@link
 * SimulatedHost#resetChannel}), and {@code onAttachable} once per path that became attachable (a VM
 * start, a hang-up of a running VM's channel). It waits on a condition (never spins) and returns
 * early on {@link #wakeup()} or when the simulated clock is advanced. The timeout is real time.
 */
public final class SimulatedChannelTransport implements ChannelTransport {
  private static final byte READABLE = 1;
  private static final byte WRITABLE = 2;
  private static final byte HANG_UP = 3;

  private final SimulatedHost host;
  private final SimulatedHostObserver observer;
  // guarded by host.lock
  private final List<SimulatedChannelEndpoint> open = new ArrayList<>();
  private final ArrayDeque<Path> attachable = new ArrayDeque<>();
  private boolean wakeupPending;
  private boolean closed;
  // used by the one awaiting thread only (filled under the lock)
  private SimulatedChannelEndpoint[] ready = new SimulatedChannelEndpoint[16];
  private byte[] kinds = new byte[16];
  private final List<Path> attachOut = new ArrayList<>();

  public SimulatedChannelTransport(SimulatedHost host) {
    this.host = host;
    this.observer =
        new SimulatedHostObserver() {
          @Override
          public void vmStarted(String vm) {
            announce(vm, -1);
          }

          @Override
          public void channelHungUp(String vm, int channel) {
            announce(vm, channel);
          }

          @Override
          public void clockAdvanced() {
            wakeup();
          }
        };
    host.addObserver(observer);
  }

  @Override
  public String description() {
    return "simulated in-memory virtio-serial channels in " + host.channelDir();
  }

  /**
   * The channels of running VMs whose sockets would be in {@code dir}, as QEMU would have bound
   * them (a shut-off VM has no sockets).
   */
  @Override
  public List<Path> list(Path dir) throws IOException {
    if (!dir.equals(host.channelDir())) {
      throw new IOException(
          "no channel folder " + dir + " (the simulated host uses " + host.channelDir() + ")");
    }
    List<Path> paths = new ArrayList<>();
    for (String vm : host.vmNames()) {
      if (host.vmState(vm).isActive()) {
        for (int n : host.channels(vm)) {
          paths.add(host.channelPath(vm, n));
        }
      }
    }
    paths.sort(null);
    return paths;
  }

  /**
   * Attaches the host end of a channel.
   *
   * @throws IOException {@code no socket at PATH} when no VM has that channel; {@code connection
   *     refused at PATH: VM 'x' is not running} when the VM is shut off, or when a host end is
   *     attached already
   */
  @Override
  public ChannelEndpoint open(Path path) throws IOException {
    host.lock.lock();
    try {
      checkOpen();
      SimulatedChannelEndpoint ep = host.attachLocked(path, this);
      open.add(ep);
      return ep;
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void await(long timeoutMillis, ChannelEventHandler handler) throws IOException {
    int count;
    host.lock.lock();
    try {
      checkOpen();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
      while (true) {
        count = collectLocked();
        if (count > 0 || !attachOut.isEmpty() || wakeupPending || closed || timeoutMillis == 0) {
          break;
        }
        try {
          if (timeoutMillis < 0) {
            host.changed.await();
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              break;
            }
            host.changed.awaitNanos(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // like a selector: return, keep the status
          break;
        }
      }
      wakeupPending = false;
    } finally {
      host.lock.unlock();
    }
    deliver(count, handler);
  }

  @Override
  public void wakeup() {
    host.lock.lock();
    try {
      wakeupPending = true;
      host.changed.signalAll();
    } finally {
      host.lock.unlock();
    }
  }

  @Override
  public void close() {
    host.removeObserver(observer);
    host.lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (SimulatedChannelEndpoint ep : new ArrayList<>(open)) {
        ep.close();
      }
      open.clear();
      host.changed.signalAll();
    } finally {
      host.lock.unlock();
    }
  }

  /** Called by an endpoint's close, under the lock. */
  void forgetLocked(SimulatedChannelEndpoint ep) {
    open.remove(ep);
  }

  /** Queues onAttachable for a started VM's channels ({@code channel} -1) or one hung-up one. */
  private void announce(String vm, int channel) {
    host.lock.lock();
    try {
      if (closed || !host.runningLocked(vm)) {
        return;
      }
      if (channel < 0) {
        attachable.addAll(host.channelPathsLocked(vm));
      } else {
        attachable.add(host.channelPath(vm, channel));
      }
      host.changed.signalAll();
    } finally {
      host.lock.unlock();
    }
  }

  /** Fills {@link #ready}/{@link #kinds} and {@link #attachOut}; returns the ready count. */
  private int collectLocked() {
    int n = 0;
    for (int i = 0; i < open.size(); i++) {
      SimulatedChannelEndpoint ep = open.get(i);
      if (ep.failed()) {
        n = add(n, ep, HANG_UP);
        continue;
      }
      if (ep.readyToRead()) {
        n = add(n, ep, READABLE);
      }
      if (ep.readyToWrite()) {
        n = add(n, ep, WRITABLE);
      }
    }
    attachOut.clear();
    while (!attachable.isEmpty()) {
      attachOut.add(attachable.poll());
    }
    return n;
  }

  private int add(int n, SimulatedChannelEndpoint ep, byte kind) {
    if (n == ready.length) {
      ready = Arrays.copyOf(ready, n * 2);
      kinds = Arrays.copyOf(kinds, n * 2);
    }
    ready[n] = ep;
    kinds[n] = kind;
    return n + 1;
  }

  private void deliver(int count, ChannelEventHandler handler) {
    for (int i = 0; i < count; i++) {
      SimulatedChannelEndpoint ep = ready[i];
      ready[i] = null;
      if (!ep.isOpen()) {
        continue;
      }
      switch (kinds[i]) {
        case READABLE -> handler.onReadable(ep);
        case WRITABLE -> handler.onWritable(ep);
        default -> handler.onHangUp(ep);
      }
    }
    for (int i = 0; i < attachOut.size(); i++) {
      handler.onAttachable(attachOut.get(i));
    }
    attachOut.clear();
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("the simulated channel transport is closed");
    }
  }
}
