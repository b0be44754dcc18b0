package io.vmpower.hal.sim;

import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlPeer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/** One end of an in-memory control connection: it reads one pipe and writes the other. */
final class SimulatedControlConnection implements ControlConnection {
  private final SimulatedPipe in;
  private final SimulatedPipe out;
  private final ControlPeer peer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile int timeoutMillis;

  private final InputStream input =
      new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, len, timeoutMillis);
        }
      };

  private final OutputStream output =
      new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }
      };

  SimulatedControlConnection(SimulatedPipe in, SimulatedPipe out, ControlPeer peer) {
    this.in = in;
    this.out = out;
    this.peer = peer;
  }

  /** Both ends of a new connection: [0] the client's, [1] the server's (seeing {@code client}). */
  static SimulatedControlConnection[] pair(ControlPeer client, ControlPeer server, int buffer) {
    SimulatedPipe toServer = new SimulatedPipe(buffer);
    SimulatedPipe toClient = new SimulatedPipe(buffer);
    return new SimulatedControlConnection[] {
      new SimulatedControlConnection(toClient, toServer, server),
      new SimulatedControlConnection(toServer, toClient, client)
    };
  }

  @Override
  public ControlPeer peer() {
    return peer;
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void setReadTimeout(int millis) {
    timeoutMillis = millis;
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      in.closeReader();
      out.closeWriter();
    }
  }
}
