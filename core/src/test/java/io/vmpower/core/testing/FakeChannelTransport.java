package io.vmpower.core.testing;

import io.vmpower.core.hal.ChannelEventHandler;
import io.vmpower.core.hal.ChannelTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Channels in memory. {@link #listen} plays QEMU binding a channel socket and returns the guest's
 * end, a {@link FakeGuestPort}; {@link #open} connects the host's end to it. Events are
 * level-triggered, like a selector: an endpoint is readable while the guest's bytes (or its
 * end-of-file) wait, writable while {@code watchWritable(true)} and the guest has room. One lock
 * guards everything, so a test thread may play the guest while the monitor thread runs.
 */
public final class FakeChannelTransport implements ChannelTransport {
  final Object lock = new Object();
  private final Map<Path, FakeGuestPort> ports = new HashMap<>();
  private final List<FakeChannelEndpoint> open = new ArrayList<>();
  private final ArrayDeque<Path> attachable = new ArrayDeque<>();
  private final List<FakeChannelEndpoint> readable = new ArrayList<>();
  private final List<FakeChannelEndpoint> writable = new ArrayList<>();
  private final List<Path> hints = new ArrayList<>();
  private boolean wakeup;
  private boolean closed;
  private int opens;
  private int openAttempts;

  /**
   * QEMU binds the socket at {@code path} (first start, or again after {@link
   * FakeGuestPort#hangUp}): the host can connect, and the next {@link #await} hints so.
   */
  public FakeGuestPort listen(Path path) {
    synchronized (lock) {
      FakeGuestPort port = listenUnnoticed(path);
      attachable.add(path);
      lock.notifyAll();
      return port;
    }
  }

  /**
   * Like {@link #listen} but the transport does not notice (no {@code onAttachable} hint): only the
   * monitor's own back-off finds the socket again.
   */
  public FakeGuestPort listenUnnoticed(Path path) {
    synchronized (lock) {
      FakeGuestPort port = ports.computeIfAbsent(path, p -> new FakeGuestPort(this, p));
      port.listening = true;
      return port;
    }
  }

  /** The guest end at {@code path}, or null. */
  public FakeGuestPort port(Path path) {
    synchronized (lock) {
      return ports.get(path);
    }
  }

  /** How many times {@link #open} succeeded. */
  public int opens() {
    synchronized (lock) {
      return opens;
    }
  }

  /** How many times {@link #open} was called, successful or not. */
  public int openAttempts() {
    synchronized (lock) {
      return openAttempts;
    }
  }

  /** Host ends open now. */
  public int openEndpoints() {
    synchronized (lock) {
      return open.size();
    }
  }

  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  @Override
  public String description() {
    return "in-memory fake channels";
  }

  @Override
  public FakeChannelEndpoint open(Path path) throws IOException {
    synchronized (lock) {
      openAttempts++;
      if (closed) {
        throw new IOException("transport closed");
      }
      FakeGuestPort port = ports.get(path);
      if (port == null) {
        throw new IOException(path + ": no such socket (ENOENT)");
      }
      if (!port.listening) {
        throw new IOException(path + ": connection refused (ECONNREFUSED)");
      }
      if (port.host != null) {
        throw new IOException(path + ": connection refused: the port already has a host client");
      }
      FakeChannelEndpoint ep = new FakeChannelEndpoint(this, port);
      port.host = ep;
      open.add(ep);
      opens++;
      return ep;
    }
  }

  void forget(FakeChannelEndpoint ep) {
    open.remove(ep);
  }

  @Override
  public void await(long timeoutMillis, ChannelEventHandler handler) throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("transport closed");
      }
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
      while (!wakeup && !closed && attachable.isEmpty() && !anyReady()) {
        if (timeoutMillis == 0) {
          break;
        }
        try {
          if (timeoutMillis < 0) {
            lock.wait();
          } else {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
              break;
            }
            lock.wait(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      wakeup = false;
      readable.clear();
      writable.clear();
      hints.clear();
      for (FakeChannelEndpoint ep : open) {
        if (ep.readyToRead()) {
          readable.add(ep);
        }
        if (ep.readyToWrite()) {
          writable.add(ep);
        }
      }
      hints.addAll(attachable);
      attachable.clear();
    }
    for (FakeChannelEndpoint ep : readable) {
      if (ep.isOpen()) {
        handler.onReadable(ep);
      }
    }
    for (FakeChannelEndpoint ep : writable) {
      if (ep.isOpen()) {
        handler.onWritable(ep);
      }
    }
    for (Path p : hints) {
      handler.onAttachable(p);
    }
  }

  private boolean anyReady() {
    for (FakeChannelEndpoint ep : open) {
      if (ep.readyToRead() || ep.readyToWrite()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void wakeup() {
    synchronized (lock) {
      wakeup = true;
      lock.notifyAll();
    }
  }

  @Override
  public void close() {
    List<FakeChannelEndpoint> all;
    synchronized (lock) {
      closed = true;
      all = new ArrayList<>(open);
      lock.notifyAll();
    }
    for (FakeChannelEndpoint ep : all) {
      ep.close();
    }
  }
}
