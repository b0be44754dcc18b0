package io.vmpower.hal.linux.control;

import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlPeer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.newsclub.net.unix.AFUNIXSocket;

/** A control connection over a junixsocket AF_UNIX stream socket. */
final class UnixControlConnection implements ControlConnection {
  private final AFUNIXSocket socket;
  private final ControlPeer peer;
  private final AtomicBoolean closed = new AtomicBoolean();

  UnixControlConnection(AFUNIXSocket socket, ControlPeer peer) {
    this.socket = socket;
    this.peer = peer;
  }

  @Override
  public ControlPeer peer() {
    return peer;
  }

  @Override
  public InputStream input() throws IOException {
    return socket.getInputStream();
  }

  @Override
  public OutputStream output() throws IOException {
    return socket.getOutputStream();
  }

  @Override
  public void setReadTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  /** Shuts both directions down first: that, not close(2), wakes a thread blocked in a write. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      socket.shutdownInput();
    } catch (IOException | RuntimeException ignored) {
      // already shut or reset
    }
    try {
      socket.shutdownOutput();
    } catch (IOException | RuntimeException ignored) {
      // already shut or reset
    }
    try {
      socket.close();
    } catch (IOException | RuntimeException ignored) {
      // nothing more to release
    }
  }
}
