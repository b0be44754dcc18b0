package io.vmpower.core.hal;

import java.util.Set;

/**
 * A control client's credentials: uid, gid and pid as the kernel reported them at connect (-1 where
 * unknown), and its supplementary groups when the backend can tell ({@code groupsKnown}).
 */
public record ControlPeer(long uid, long gid, long pid, Set<Long> groups, boolean groupsKnown) {

  public static final ControlPeer UNKNOWN = new ControlPeer(-1, -1, -1, Set.of(), false);

  public ControlPeer {
    groups = Set.copyOf(groups);
  }

  /** Credentials whose supplementary groups are not known. */
  public static ControlPeer of(long uid, long gid, long pid) {
    return new ControlPeer(uid, gid, pid, Set.of(), false);
  }

  /** Whether {@code group} is the peer's primary group or one of its known supplementary ones. */
  public boolean inGroup(long group) {
    return group >= 0 && (gid == group || groups.contains(group));
  }

  /** {@code uid=U gid=G pid=P} ({@code ?} where unknown). */
  @Override
  public String toString() {
    return "uid=" + id(uid) + " gid=" + id(gid) + " pid=" + id(pid);
  }

  private static String id(long n) {
    return n >= 0 ? Long.toString(n) : "?";
  }
}
