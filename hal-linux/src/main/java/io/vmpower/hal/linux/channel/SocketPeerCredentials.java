package io.vmpower.hal.linux.channel;

import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sits behind a newly opened channel.
 *
 * <ul>
 *   <li>uid and gid: SO_PEERCRED through the JDK ({@link SocketPeerCredOption}) when this Java
 *       runtime has it, else the owner of the socket file, else {@link PeerCredentials#UNKNOWN}.
 *       Chosen once; read at open.
 *   <li>pid: with SO_PEERCRED, the process listening on the socket's path, found in {@code /proc}
 *       ({@link SocketListenerPids}) only when someone asks for it ({@code show_vm}), never at open
 *       and never on the monitor thread; the JDK does not give SO_PEERCRED's pid. {@code ?} when it
 *       cannot be found. With the file owner: unknown.
 * </ul>
 */
final class SocketPeerCredentials {

  private static final Logger log = LoggerFactory.getLogger(SocketPeerCredentials.class);

  static final String SO_PEERCRED = "SO_PEERCRED";
  static final String FILE_OWNER = "socket file owner (uid, gid; no pid)";

  private final SocketPeerCredOption peerCred; // null: use the file owner
  private final SocketListenerPids pids;

  private SocketPeerCredentials(SocketPeerCredOption peerCred, SocketListenerPids pids) {
    this.peerCred = peerCred;
    this.pids = pids;
  }

  /** SO_PEERCRED when available; otherwise logs why, once, and uses the socket file's owner. */
  static SocketPeerCredentials probe() {
    return probe(Path.of("/proc"));
  }

  /** As {@link #probe()}, with pids looked up under {@code proc}. */
  static SocketPeerCredentials probe(Path proc) {
    SocketPeerCredOption option;
    try {
      option = SocketPeerCredOption.load();
    } catch (SocketPeerCredOption.UnavailableException e) {
      log.info(
          "channel peer credentials: SO_PEERCRED unavailable, {}; using the {}",
          e.getMessage(),
          FILE_OWNER);
      return fileOwnerOnly();
    } catch (LinkageError e) {
      log.info(
          "channel peer credentials: SO_PEERCRED unavailable, {} ({}); using the {}",
          e instanceof NoClassDefFoundError
              ? "this Java runtime has no module jdk.net"
              : "the module jdk.net cannot be loaded",
          e.toString(),
          FILE_OWNER);
      return fileOwnerOnly();
    }
    return new SocketPeerCredentials(option, new SocketListenerPids(proc));
  }

  /** Never tries SO_PEERCRED. */
  static SocketPeerCredentials fileOwnerOnly() {
    return new SocketPeerCredentials(null, null);
  }

  /** {@link #SO_PEERCRED} or {@link #FILE_OWNER}. */
  String mechanism() {
    return peerCred != null ? SO_PEERCRED : FILE_OWNER;
  }

  PeerCredentials of(SocketChannel channel, Path path) {
    if (peerCred != null) {
      try {
        SocketPeerCredOption.Ids ids = peerCred.of(channel);
        return PeerCredentials.withPidLookup(ids.uid(), ids.gid(), () -> pids.pidOf(path));
      } catch (IOException e) {
        log.warn("peer credentials of {}: {}; using the {}", path, e.getMessage(), FILE_OWNER);
      }
    }
    return fileOwner(path);
  }

  private static PeerCredentials fileOwner(Path path) {
    try {
      int uid = (Integer) Files.getAttribute(path, "unix:uid");
      int gid = (Integer) Files.getAttribute(path, "unix:gid");
      return new PeerCredentials(Integer.toUnsignedLong(uid), Integer.toUnsignedLong(gid), -1);
    } catch (IOException | RuntimeException e) {
      log.debug("owner of {}: {}", path, e.toString());
      return PeerCredentials.UNKNOWN;
    }
  }
}
