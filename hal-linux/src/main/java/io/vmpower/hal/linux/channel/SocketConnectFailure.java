package io.vmpower.hal.linux.channel;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Turns a failed connect into a message that says what is at the path and what to do. */
final class SocketConnectFailure {

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;

  private SocketConnectFailure() {}

  /** Looks at the file only after the connect failed, so a successful open costs one syscall. */
  static IOException explain(Path path, IOException cause) {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode");
    } catch (NoSuchFileException e) {
      return new IOException("no socket at " + path, cause);
    } catch (IOException | RuntimeException e) {
      return new IOException("cannot connect to " + path + ": " + cause.getMessage(), cause);
    }
    int type = mode & S_IFMT;
    if (type != S_IFSOCK) {
      return new IOException(
          "not a socket: " + path + " is " + describe(type) + "; expected a QEMU channel socket",
          cause);
    }
    if (cause instanceof ConnectException) {
      return new IOException(
          "connection refused at " + path + ": nothing listens (is the VM running?)", cause);
    }
    return new IOException("cannot connect to " + path + ": " + cause.getMessage(), cause);
  }

  private static String describe(int type) {
    switch (type) {
      case S_IFREG:
        return "a regular file";
      case S_IFDIR:
        return "a directory";
      case S_IFIFO:
        return "a FIFO";
      case S_IFCHR:
        return "a character device";
      case S_IFBLK:
        return "a block device";
      default:
        return "a file of type 0" + Integer.toOctalString(type);
    }
  }
}
