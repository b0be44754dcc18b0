package io.vmpower.hal.sim;

import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.hal.ControlConnectException;
import io.vmpower.core.hal.ControlConnectException.Reason;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlListener;
import io.vmpower.core.hal.ControlPeer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** A listening simulated control socket: connections wait in a backlog until accepted. */
final class SimulatedControlListener implements ControlListener {
  private static final int BACKLOG = 4096;
  private static final ControlPeer HOST = ControlPeer.of(0, 0, 1);

  private final SimulatedControlSocket owner;
  private final Path path;
  private final ControlSettings settings;
  private final long groupId;
  private final LinkedBlockingQueue<Object> backlog = new LinkedBlockingQueue<>(BACKLOG + 1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private static final Object CLOSED = new Object();

  SimulatedControlListener(
      SimulatedControlSocket owner, Path path, ControlSettings settings, long groupId) {
    this.owner = owner;
    this.path = path;
    this.settings = settings;
    this.groupId = groupId;
  }

  ControlConnection connect(ControlPeer as) throws IOException {
    if (closed.get()) {
      throw new ControlConnectException(
          Reason.REFUSED, path, "connection refused at " + path + ": nothing listens", null);
    }
    SimulatedControlConnection[] pair =
        SimulatedControlConnection.pair(as, HOST, SimulatedControlSocket.BUFFER);
    if (!backlog.offer(pair[1])) {
      throw new ControlConnectException(
          Reason.OTHER, path, "cannot connect to " + path + ": the backlog is full", null);
    }
    return pair[0];
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public String description() {
    return path
        + " (mode "
        + settings.mode()
        + ", "
        + (groupId >= 0 ? "group " + settings.group() + " gid " + groupId : "root only")
        + "; simulated)";
  }

  @Override
  public long groupId() {
    return groupId;
  }

  @Override
  public long ownerUid() {
    return 0;
  }

  @Override
  public ControlConnection accept() throws IOException {
    Object next;
    try {
      next = backlog.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    if (next == CLOSED) {
      backlog.offer(CLOSED);
      throw new IOException("Socket closed");
    }
    return (ControlConnection) next;
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      owner.closed(this);
      Object pending;
      while ((pending = backlog.poll()) != null) {
        if (pending instanceof ControlConnection c) {
          c.close();
        }
      }
      backlog.offer(CLOSED);
    }
  }
}
