package io.vmpower.hal.linux.control;

import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlListener;
import io.vmpower.core.hal.ControlPeer;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bound, listening control socket: its file has the configured mode and group. */
final class UnixControlListener implements ControlListener {
  private static final Logger log = LoggerFactory.getLogger(UnixControlListener.class);

  /** Connections the kernel queues until accepted (capped by net.core.somaxconn). */
  private static final int BACKLOG = 1024;

  private final AFUNIXServerSocket server;
  private final Path path;
  private final Object fileKey;
  private final long groupId;
  private final long ownerUid;
  private final String description;
  private final ProcPeerGroups groups;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UnixControlListener(
      AFUNIXServerSocket server,
      Path path,
      Object fileKey,
      long groupId,
      long ownerUid,
      String description,
      ProcPeerGroups groups) {
    this.server = server;
    this.path = path;
    this.fileKey = fileKey;
    this.groupId = groupId;
    this.ownerUid = ownerUid;
    this.description = description;
    this.groups = groups;
  }

  static UnixControlListener bind(ControlSettings settings, ProcPeerGroups groups)
      throws IOException {
    Path path = settings.path().toAbsolutePath();
    makeParent(path.getParent());
    replaceIfStale(path);
    AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
    try {
      // never let the library delete whatever is at the path: replaceIfStale decided that
      server.setReuseAddress(false);
      server.bind(AFUNIXSocketAddress.of(path), BACKLOG);
      // close() removes the file itself, and only while it is still this socket's
      server.setDeleteOnClose(false);
      Files.setPosixFilePermissions(path, permissions(settings.modeBits()));
      long gid = -1;
      if (!settings.group().isEmpty()) {
        GroupPrincipal group;
        try {
          group =
              FileSystems.getDefault()
                  .getUserPrincipalLookupService()
                  .lookupPrincipalByGroupName(settings.group());
        } catch (UserPrincipalNotFoundException e) {
          throw new IOException(
              "control socket group '" + settings.group() + "' does not exist on this host", e);
        }
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
            .setGroup(group);
        gid = Integer.toUnsignedLong((Integer) Files.getAttribute(path, "unix:gid"));
      }
      long owner = Integer.toUnsignedLong((Integer) Files.getAttribute(path, "unix:uid"));
      Object key =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      String description =
          path
              + " (mode "
              + settings.mode()
              + ", "
              + (gid >= 0 ? "group " + settings.group() + " gid " + gid : "root only")
              + "; junixsocket)";
      log.info("control socket listening at {}", description);
      return new UnixControlListener(server, path, key, gid, owner, description, groups);
    } catch (IOException | RuntimeException e) {
      try {
        server.close();
      } catch (IOException ignored) {
        // failing anyway
      }
      Files.deleteIfExists(path);
      throw e;
    }
  }

  private static void makeParent(Path parent) throws IOException {
    if (parent == null || Files.isDirectory(parent)) {
      return;
    }
    Path existing = parent;
    while (existing.getParent() != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    Files.createDirectories(parent);
    // the folders made here get 0755 whatever the umask
    for (Path p = parent; p != null && !p.equals(existing); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /**
   * A file at {@code path} is removed only when it is a socket and nobody answers on it (a host
   * that was killed left it); anything else stops the bind with the reason.
   */
  private static void replaceIfStale(Path path) throws IOException {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if ((mode & UnixControlSocket.S_IFMT) != UnixControlSocket.S_IFSOCK) {
      throw new IOException(
          path
              + " exists and is not a socket: left alone (remove it, or name another control"
              + " socket)");
    }
    try (AFUNIXSocket probe = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(path))) {
      throw new IOException(
          "another process listens on the control socket "
              + path
              + " (a running vmpower host?): not replaced");
    } catch (java.net.ConnectException e) {
      // nobody answers: a stale socket file
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("another process listens")) {
        throw e;
      }
      if (!String.valueOf(e.getMessage()).contains("refused")) {
        throw new IOException(
            "cannot tell whether the control socket " + path + " is in use: " + e.getMessage(), e);
      }
    }
    log.info("replacing the stale control socket {} (nothing listens on it)", path);
    Files.deleteIfExists(path);
  }

  private static Set<PosixFilePermission> permissions(int bits) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((bits & (1 << i)) != 0) {
        set.add(order[i]);
      }
    }
    return set;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public long groupId() {
    return groupId;
  }

  @Override
  public long ownerUid() {
    return ownerUid;
  }

  @Override
  public ControlConnection accept() throws IOException {
    AFUNIXSocket socket = server.accept();
    try {
      return new UnixControlConnection(socket, peerOf(socket));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private ControlPeer peerOf(AFUNIXSocket socket) throws IOException {
    AFUNIXSocketCredentials c = socket.getPeerCredentials();
    if (c == null || c.getUid() < 0) {
      return ControlPeer.UNKNOWN;
    }
    Optional<Set<Long>> supplementary = groups.of(c.getPid());
    return new ControlPeer(
        c.getUid(),
        c.getGid(),
        c.getPid(),
        supplementary.orElse(Set.of()),
        supplementary.isPresent());
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  /** Closes the socket and removes its file, if the file is still this socket's. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      log.debug("closing the control socket: {}", e.toString());
    }
    try {
      Object key =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (key != null && key.equals(fileKey)) {
        Files.delete(path);
      }
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      log.warn("could not remove the control socket {}: {}", path, e.getMessage());
    }
  }
}
