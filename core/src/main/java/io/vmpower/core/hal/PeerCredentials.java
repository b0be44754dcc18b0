package io.vmpower.core.hal;

/** Who sits behind a channel socket (SO_PEERCRED); -1 where unknown. */
public record PeerCredentials(long uid, long gid, long pid) {
  public static final PeerCredentials UNKNOWN = new PeerCredentials(-1, -1, -1);

  public boolean known() {
    return uid >= 0;
  }

  @Override
  public String toString() {
    return known() ? "uid=" + uid + " gid=" + gid + " pid=" + (pid >= 0 ? pid : "?") : "unknown";
  }
}
