package io.vmpower.core.config;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The channel settings a reload may change while the host runs: the {@code {vm}.{n}} folder, the
 * folders channel sockets may be in, the uids allowed behind them and how many a VM may have. Read
 * at each attach, command or reconciliation; replaced whole by a reload. Thread-safe.
 */
@Singleton
public final class ChannelRules {

  /**
   * One set of rules.
   *
   * @param folder the {@code {vm}.{n}} folder, always allowed
   * @param allowedFolders the other folders a channel socket may be in (at any depth)
   * @param allowedPeerUids the uids a peer may have; empty: any
   * @param maxPerVm channel numbers run 0 to this minus one
   */
  public record Rules(
      Path folder, List<Path> allowedFolders, Set<Long> allowedPeerUids, int maxPerVm) {
    public Rules {
      folder = folder.toAbsolutePath().normalize();
      List<Path> dirs = new ArrayList<>();
      for (Path p : allowedFolders) {
        dirs.add(p.toAbsolutePath().normalize());
      }
      allowedFolders = List.copyOf(dirs);
      allowedPeerUids = Set.copyOf(new TreeSet<>(allowedPeerUids));
    }

    public static Rules of(HostConfig c) {
      return new Rules(
          c.channelDir(), c.allowedChannelDirs(), c.allowedPeerUids(), c.maxChannelsPerVm());
    }

    /** Whether a peer running as {@code uid} may sit behind a channel socket. */
    public boolean peerAllowed(long uid) {
      return allowedPeerUids.isEmpty() || allowedPeerUids.contains(uid);
    }

    /** The allowed uids, sorted and comma separated, for messages. */
    public String uidList() {
      return new TreeSet<>(allowedPeerUids)
          .stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** Whether a socket at {@code path} is inside the folder or one of the allowed folders. */
    public boolean pathAllowed(Path path) {
      if (!path.isAbsolute()) {
        return false;
      }
      Path p = path.normalize();
      if (inside(p, folder)) {
        return true;
      }
      for (Path dir : allowedFolders) {
        if (inside(p, dir)) {
          return true;
        }
      }
      return false;
    }

    /** The folder and the allowed folders, for messages. */
    public List<Path> folders() {
      List<Path> all = new ArrayList<>();
      all.add(folder);
      all.addAll(allowedFolders);
      return all;
    }

    private static boolean inside(Path p, Path dir) {
      return p.startsWith(dir) && !p.equals(dir);
    }
  }

  private volatile Rules current;

  @Inject
  public ChannelRules(HostConfig config) {
    this.current = Rules.of(config);
  }

  public Rules current() {
    return current;
  }

  /** Replaces the rules (a reload); attaches from now on follow them. */
  public void set(Rules rules) {
    this.current = rules;
  }
}
