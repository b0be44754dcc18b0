package io.vmpower.guest;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One open virtio-serial port: a character device in a real VM, an AF_UNIX socket in the simulated
 * demo. Reads and writes may run on two threads at once; {@link #close()} from any thread makes a
 * blocked read or write return at once.
 */
interface KvmPort extends AutoCloseable {
  int S_IFMT = 0170000;
  int S_IFSOCK = 0140000;
  int S_IFCHR = 0020000;
  int S_IFIFO = 0010000;

  /** The port's path, for messages. */
  Path path();

  /**
   * Whether end-of-file is final. A socket's peer is gone for good; a character device reads
   * end-of-file while no host is attached and works again once one attaches.
   */
  boolean endOfFileIsFinal();

  /** Reads what is available (blocking until something is); -1 at end-of-file. */
  int read(ByteBuffer dst) throws IOException;

  /** Writes all of {@code src}, blocking while the port cannot take it. */
  void write(ByteBuffer src) throws IOException;

  /** Closes the port; idempotent. */
  @Override
  void close();

  /**
   * Opens {@code path}: connects when it is a socket, opens it read-write when it is a character
   * device (or a FIFO). Anything else is refused with a message naming the path.
   */
  static KvmPort open(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such port");
    }
    int type = fileType(path);
    if (type == S_IFSOCK) {
      try {
        return SocketKvmPort.connect(path);
      } catch (ConnectException e) {
        throw new ConnectException(
            "cannot connect to socket "
                + path
                + ": nothing is listening there ("
                + e.getMessage()
                + "): is the host running?");
      }
    }
    if (type == S_IFCHR || type == S_IFIFO) {
      return DeviceKvmPort.open(path);
    }
    if (type < 0) {
      // no unix attributes on this platform: try the socket first, then the device
      try {
        return SocketKvmPort.connect(path);
      } catch (IOException notASocket) {
        return DeviceKvmPort.open(path);
      }
    }
    throw new IOException(
        path + " is neither a character device nor a socket: it cannot be a virtio-serial port");
  }

  /** The S_IFMT bits of {@code path} (links followed), or -1 when the platform cannot tell. */
  private static int fileType(Path path) throws IOException {
    try {
      return ((Integer) Files.getAttribute(path, "unix:mode")) & S_IFMT;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }
}
