package io.vmpower.hal.linux.channel;

import io.vmpower.core.hal.PeerCredentials;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sits behind a newly opened channel: SO_PEERCRED (uid, gid, pid) when this JVM lets us reach
 * the descriptor, else the owner of the socket file (uid, gid; pid unknown), else {@link
 * PeerCredentials#UNKNOWN}. Chosen once; read at open, never on the hot path.
 */
final class SocketPeerCredentials {

  private static final Logger log = LoggerFactory.getLogger(SocketPeerCredentials.class);

  static final String SO_PEERCRED = "SO_PEERCRED";
  static final String FILE_OWNER = "socket file owner (uid, gid; no pid)";

  private final SocketPeerCredOption peerCred; // null: use the file owner

  private SocketPeerCredentials(SocketPeerCredOption peerCred) {
    this.peerCred = peerCred;
  }

  /** SO_PEERCRED when available; otherwise logs why, once, and uses the socket file's owner. */
  static SocketPeerCredentials probe() {
    try {
      return new SocketPeerCredentials(SocketPeerCredOption.load());
    } catch (SocketPeerCredOption.UnavailableException e) {
      log.info(
          "channel peer credentials: SO_PEERCRED unavailable, {}; using the {}",
          e.getMessage(),
          FILE_OWNER);
      return fileOwnerOnly();
    }
  }

  /** Never tries SO_PEERCRED. */
  static SocketPeerCredentials fileOwnerOnly() {
    return new SocketPeerCredentials(null);
  }

  /** {@link #SO_PEERCRED} or {@link #FILE_OWNER}. */
  String mechanism() {
    return peerCred != null ? SO_PEERCRED : FILE_OWNER;
  }

  PeerCredentials of(SocketChannel channel, Path path) {
    if (peerCred != null) {
      try {
        return peerCred.of(channel);
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
