package io.vmpower.hal.linux.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * SO_PEERCRED of a JDK UNIX-domain {@link SocketChannel} through the JDK's own {@link
 * ExtendedSocketOptions#SO_PEERCRED}, which gives a {@link UnixDomainPrincipal} (user and group
 * principals, not numbers); {@link SocketPrincipalIds} turns them into the uid and gid. The kernel
 * records them when the peer listens (or connects). The only class here that names {@code jdk.net}:
 * in a Java runtime without that module it fails to load, and {@link #load} says so.
 */
final class SocketPeerCredOption {

  private final SocketPrincipalIds ids;

  private SocketPeerCredOption(SocketPrincipalIds ids) {
    this.ids = ids;
  }

  /** Thrown by {@link #load} with the reason SO_PEERCRED cannot be read in this JVM. */
  static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The peer's uid and gid. */
  record Ids(long uid, long gid) {}

  static SocketPeerCredOption load() throws UnavailableException {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      if (!probe.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
        throw new UnavailableException(
            "this JDK does not support it on UNIX-domain sockets on "
                + System.getProperty("os.name"),
            null);
      }
    } catch (IOException e) {
      throw new UnavailableException("cannot open a UNIX-domain socket: " + e.getMessage(), e);
    }
    try {
      return new SocketPeerCredOption(SocketPrincipalIds.load());
    } catch (LinkageError e) {
      throw new UnavailableException(
          "JNA cannot load libc to turn user names into ids: " + e.getMessage(), e);
    }
  }

  /** The credentials the kernel recorded for the peer when it listened or connected. */
  Ids of(SocketChannel channel) throws IOException {
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    return new Ids(ids.uid(peer.user()), ids.gid(peer.group()));
  }
}
