package io.vmpower.hal.sim;

import io.vmpower.core.config.ControlSettings;
import io.vmpower.core.hal.ControlConnectException;
import io.vmpower.core.hal.ControlConnectException.Reason;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlListener;
import io.vmpower.core.hal.ControlPeer;
import io.vmpower.core.hal.ControlSocket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Control sockets in memory: a listener per path, connections as pairs of bounded pipes (64 KiB
 * each way, as a socket buffer), and the credentials of each client injected by the caller, so a
 * test can play a client of any user or group ({@link #connect(Path, ControlPeer)}). The host runs
 * as root; groups are those {@link #defineGroup defined} (root is gid 0) or given by number.
 */
public final class SimulatedControlSocket implements ControlSocket {
  static final int BUFFER = 64 * 1024;

  private final Map<Path, SimulatedControlListener> listeners = new ConcurrentHashMap<>();
  private final Map<String, Long> groups = new ConcurrentHashMap<>(Map.of("root", 0L));
  private volatile ControlPeer client = new ControlPeer(0, 0, 4242, Set.of(0L), true);

  @Override
  public String description() {
    return "simulated control socket (in memory; client credentials injected)";
  }

  /** Makes {@code name} a group of the simulated host with {@code gid}. */
  public void defineGroup(String name, long gid) {
    groups.put(name, gid);
  }

  /** Who {@link #connect(Path)} connects as from now on (root, pid 4242, by default). */
  public void clientIdentity(ControlPeer peer) {
    client = Objects.requireNonNull(peer);
  }

  @Override
  public ControlListener listen(ControlSettings settings) throws IOException {
    long gid = -1;
    if (!settings.group().isEmpty()) {
      Long known = groups.get(settings.group());
      if (known == null && settings.group().chars().allMatch(Character::isDigit)) {
        known = Long.parseLong(settings.group());
      }
      if (known == null) {
        throw new IOException(
            "control socket group '" + settings.group() + "' does not exist on this host");
      }
      gid = known;
    }
    Path path = settings.path().toAbsolutePath();
    SimulatedControlListener l = new SimulatedControlListener(this, path, settings, gid);
    if (listeners.putIfAbsent(path, l) != null) {
      throw new IOException(
          "another process listens on the control socket " + path + " (a running vmpower host?)");
    }
    return l;
  }

  @Override
  public ControlConnection connect(Path path) throws IOException {
    return connect(path, client);
  }

  /** Connects to the listener at {@code path} as a client with the credentials {@code as}. */
  public ControlConnection connect(Path path, ControlPeer as) throws IOException {
    SimulatedControlListener l = listeners.get(path.toAbsolutePath());
    if (l == null) {
      throw new ControlConnectException(
          Reason.MISSING,
          path,
          "no control socket at " + path + ": no host is running there",
          null);
    }
    return l.connect(as);
  }

  /** Whether a listener is bound at {@code path}. */
  public boolean listening(Path path) {
    return listeners.containsKey(path.toAbsolutePath());
  }

  void closed(SimulatedControlListener l) {
    listeners.remove(l.path(), l);
  }
}
