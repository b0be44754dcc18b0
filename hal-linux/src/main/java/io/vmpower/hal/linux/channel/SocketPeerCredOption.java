package io.vmpower.hal.linux.channel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * getsockopt(SO_PEERCRED) on the descriptor of a JDK {@link SocketChannel}, through JNA. The JDK
 * keeps the descriptor behind {@code sun.nio.ch.SelChImpl#getFDVal}, which this reaches only when
 * the JVM runs with {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (or {@code
 * --add-opens}); {@link #load} says why not otherwise.
 */
final class SocketPeerCredOption {

  /** The JVM option that makes this available. */
  static final String JVM_OPTION = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";

  private static final String SEL_CH_IMPL = "sun.nio.ch.SelChImpl";
  private static final int SOL_SOCKET = 1;
  private static final int SO_PEERCRED = 17;
  private static final int UCRED_SIZE = 12; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }

  /** The part of libc used here. */
  interface LibC extends Library {
    int getsockopt(int fd, int level, int name, Pointer value, IntByReference length)
        throws LastErrorException;
  }

  private final Method getFdVal;
  private final LibC libc;

  private SocketPeerCredOption(Method getFdVal, LibC libc) {
    this.getFdVal = getFdVal;
    this.libc = libc;
  }

  /** Thrown by {@link #load} with the reason SO_PEERCRED cannot be read in this JVM. */
  static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static SocketPeerCredOption load() throws UnavailableException {
    String pkg = SEL_CH_IMPL.substring(0, SEL_CH_IMPL.lastIndexOf('.'));
    if (!Object.class.getModule().isExported(pkg, SocketPeerCredOption.class.getModule())) {
      throw new UnavailableException(
          "java.base does not export "
              + pkg
              + " to vmpower (start the JVM with "
              + JVM_OPTION
              + ")",
          null);
    }
    Method getFdVal;
    try {
      getFdVal = Class.forName(SEL_CH_IMPL).getMethod("getFDVal");
    } catch (ReflectiveOperationException e) {
      throw new UnavailableException("this JDK has no " + SEL_CH_IMPL + "#getFDVal", e);
    }
    LibC libc;
    try {
      libc = Native.load("c", LibC.class);
    } catch (LinkageError e) {
      throw new UnavailableException("JNA cannot load libc: " + e.getMessage(), e);
    }
    return new SocketPeerCredOption(getFdVal, libc);
  }

  /** The credentials the kernel recorded for the peer when it connected or listened. */
  PeerCredentials of(SocketChannel channel) throws IOException {
    int fd;
    try {
      fd = (Integer) getFdVal.invoke(channel);
    } catch (IllegalAccessException | InvocationTargetException | ClassCastException e) {
      throw new IOException("cannot get the descriptor of " + channel + ": " + e, e);
    }
    try (Memory ucred = new Memory(UCRED_SIZE)) {
      IntByReference length = new IntByReference(UCRED_SIZE);
      libc.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, ucred, length);
      if (length.getValue() != UCRED_SIZE) {
        throw new IOException(
            "getsockopt(SO_PEERCRED) returned " + length.getValue() + " bytes, expected 12");
      }
      return new PeerCredentials(
          Integer.toUnsignedLong(ucred.getInt(4)),
          Integer.toUnsignedLong(ucred.getInt(8)),
          ucred.getInt(0));
    } catch (LastErrorException e) {
      throw new IOException("getsockopt(SO_PEERCRED) failed: " + e.getMessage(), e);
    }
  }
}
