package io.vmpower.hal.linux.control;

import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.hal.ControlConnectException;
import io.vmpower.core.hal.ControlConnectException.Reason;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlListener;
import io.vmpower.core.hal.ControlPeer;
import io.vmpower.core.hal.ControlSocket;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The control socket on Linux: an AF_UNIX stream socket through junixsocket, which gives the peer's
 * pid along with uid and gid (SO_PEERCRED; the JDK's own UNIX-domain sockets give no pid); the
 * peer's supplementary groups come from {@code /proc/PID/status}.
 */
public final class UnixControlSocket implements ControlSocket {
  static final int S_IFMT = 0170000;
  static final int S_IFSOCK = 0140000;

  private final Path proc;

  public UnixControlSocket() {
    this(Path.of("/proc"));
  }

  /** With the peers' groups read under {@code proc} (a test's own tree). */
  public UnixControlSocket(Path proc) {
    this.proc = proc;
  }

  @Override
  public String description() {
    return "AF_UNIX stream socket (junixsocket; peer uid, gid, pid by SO_PEERCRED, groups from"
        + " /proc/PID/status)";
  }

  @Override
  public ControlListener listen(ControlSettings settings) throws IOException {
    return UnixControlListener.bind(settings, new ProcPeerGroups(proc));
  }

  @Override
  public ControlConnection connect(Path path) throws IOException {
    int type;
    try {
      type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
    } catch (NoSuchFileException e) {
      throw new ControlConnectException(
          Reason.MISSING, path, "no control socket at " + path + ": no host is running there", e);
    } catch (AccessDeniedException e) {
      throw new ControlConnectException(
          Reason.FORBIDDEN, path, "permission denied: cannot reach " + path, e);
    }
    if (type != S_IFSOCK && !Files.isSymbolicLink(path)) {
      throw new ControlConnectException(Reason.NOT_A_SOCKET, path, path + " is not a socket", null);
    }
    AFUNIXSocket socket;
    try {
      socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(path));
    } catch (IOException e) {
      throw explain(path, e);
    }
    return new UnixControlConnection(socket, ControlPeer.UNKNOWN);
  }

  private static ControlConnectException explain(Path path, IOException e) {
    String m = String.valueOf(e.getMessage());
    if (e instanceof java.net.ConnectException || m.contains("refused")) {
      return new ControlConnectException(
          Reason.REFUSED,
          path,
          "connection refused at " + path + ": nothing listens (a host that stopped left it)",
          e);
    }
    if (m.contains("ermission denied") || m.contains("EACCES") || m.contains("not permitted")) {
      return new ControlConnectException(Reason.FORBIDDEN, path, "permission denied on " + path, e);
    }
    if (m.contains("No such file")) {
      return new ControlConnectException(
          Reason.MISSING, path, "no control socket at " + path + ": no host is running there", e);
    }
    return new ControlConnectException(
        Reason.OTHER, path, "cannot connect to " + path + ": " + m, e);
  }
}
