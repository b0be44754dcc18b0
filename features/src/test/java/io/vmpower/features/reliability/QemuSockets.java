package io.vmpower.features.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Plays QEMU for a host's channels over real AF_UNIX sockets: binds and listens on {@code
 * {dir}/{vm}.{n}} as QEMU does, accepts the host monitor's connection (one at a time), and hands
 * the accepted end to the test as the guest's side of the channel ({@link GuestLink}). Closing that
 * end is QEMU dropping the host: the host sees end-of-file and what it had not read is lost, as
 * virtio-serial discards data the host did not consume. One thread accepts for every socket.
 */
final class QemuSockets implements AutoCloseable {
  /** An accepted host connection and its number (1, 2, ... per socket). */
  record Accepted(SocketChannel channel, long generation) {}

  private final Path dir;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<String, ServerSocketChannel> listeners = new HashMap<>(); // guarded by this
  private final Map<String, Accepted> accepted = new HashMap<>(); // guarded by this
  private final Map<String, Long> generations = new HashMap<>(); // guarded by this
  private volatile boolean running = true;

  QemuSockets(Path dir) throws IOException {
    this.dir = dir;
    this.selector = Selector.open();
    this.thread = new Thread(this::loop, "qemu-sockets");
    thread.setDaemon(true);
    thread.start();
  }

  private static String key(String vm, int n) {
    return vm + "." + n;
  }

  /** Binds and listens on the socket of channel {@code n} of {@code vm}. */
  void listen(String vm, int n) throws IOException {
    Path path = dir.resolve(key(vm, n));
    Files.deleteIfExists(path);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(path));
    s.configureBlocking(false);
    synchronized (this) {
      listeners.put(key(vm, n), s);
    }
    tasks.add(
        () -> {
          try {
            s.register(selector, SelectionKey.OP_ACCEPT, key(vm, n));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    selector.wakeup();
  }

  /**
   * QEMU exits for this channel: the listener and the connection close, the file goes. Returns
   * whether a host connection was closed.
   */
  boolean unlisten(String vm, int n) throws IOException {
    ServerSocketChannel s;
    synchronized (this) {
      s = listeners.remove(key(vm, n));
    }
    if (s != null) {
      s.close();
    }
    boolean closed = hangUp(vm, n);
    Files.deleteIfExists(dir.resolve(key(vm, n)));
    return closed;
  }

  /**
   * Closes the host's current connection to the channel, if any (the host sees end-of-file);
   * returns whether there was one.
   */
  boolean hangUp(String vm, int n) {
    Accepted a;
    synchronized (this) {
      a = accepted.remove(key(vm, n));
    }
    if (a == null) {
      return false;
    }
    closeQuietly(a.channel());
    return true;
  }

  /** Closes {@code c}, and forgets it when it is still the channel's current connection. */
  void forget(String vm, int n, SocketChannel c) {
    synchronized (this) {
      Accepted a = accepted.get(key(vm, n));
      if (a != null && a.channel() == c) {
        accepted.remove(key(vm, n));
      }
    }
    closeQuietly(c);
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is all we wanted
    }
  }

  /**
   * The host's connection to the channel numbered above {@code afterGeneration}, waiting up to
   * {@code timeout} for the host to connect; null when it did not.
   */
  synchronized Accepted await(String vm, int n, long afterGeneration, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Accepted a = accepted.get(key(vm, n));
      if (a != null && a.generation() > afterGeneration) {
        return a;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !running) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000L));
    }
  }

  private void loop() {
    try {
      while (running) {
        selector.select();
        Runnable t;
        while ((t = tasks.poll()) != null) {
          t.run();
        }
        for (SelectionKey k : selector.selectedKeys()) {
          if (k.isValid() && k.isAcceptable()) {
            accept(k);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | RuntimeException e) {
      if (running) {
        throw new IllegalStateException("the QEMU socket thread failed", e);
      }
    }
  }

  private void accept(SelectionKey k) throws IOException {
    SocketChannel c;
    try {
      c = ((ServerSocketChannel) k.channel()).accept();
    } catch (IOException closed) {
      return;
    }
    if (c == null) {
      return;
    }
    String key = (String) k.attachment();
    Accepted old;
    synchronized (this) {
      long g = generations.merge(key, 1L, Long::sum);
      old = accepted.put(key, new Accepted(c, g));
      notifyAll();
    }
    if (old != null) {
      old.channel().close(); // one client at a time, as QEMU
    }
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      for (ServerSocketChannel s : listeners.values()) {
        try {
          s.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
      for (Accepted a : accepted.values()) {
        try {
          a.channel().close();
        } catch (IOException ignored) {
          // best effort
        }
      }
      listeners.clear();
      accepted.clear();
      notifyAll();
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // best effort
    }
  }
}
