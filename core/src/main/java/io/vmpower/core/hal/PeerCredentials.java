package io.vmpower.core.hal;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Who sits behind a channel socket: the uid and gid the kernel reports for it (SO_PEERCRED) and the
 * pid of the process behind it; -1 where unknown.
 *
 * <p>A backend may leave the pid to be looked up when first asked for ({@link #withPidLookup}),
 * because finding it can take a scan of {@code /proc}. {@link #pid()}, {@link #toString()}, {@link
 * #equals} and {@link #hashCode()} then look it up once, on the caller's thread, and keep the
 * answer. The channel monitor's thread must not wait for that: it uses {@link #uid()}, {@link
 * #gid()}, {@link #known()} and {@link #idsToString()} only. Thread-safe.
 */
public final class PeerCredentials {
  public static final PeerCredentials UNKNOWN = new PeerCredentials(-1, -1, -1);

  private static final long NOT_LOOKED_UP = Long.MIN_VALUE;

  private final long uid;
  private final long gid;
  private volatile long pid;
  private LongSupplier pidLookup; // guarded by this; null once used

  /** Credentials with a pid known now (-1: unknown). */
  public PeerCredentials(long uid, long gid, long pid) {
    this.uid = uid;
    this.gid = gid;
    this.pid = pid == NOT_LOOKED_UP ? -1 : pid;
  }

  private PeerCredentials(long uid, long gid, LongSupplier pidLookup) {
    this.uid = uid;
    this.gid = gid;
    this.pid = NOT_LOOKED_UP;
    this.pidLookup = pidLookup;
  }

  /**
   * Credentials whose pid {@code pidLookup} finds when it is first asked for (it returns -1 when it
   * cannot); called at most once.
   */
  public static PeerCredentials withPidLookup(long uid, long gid, LongSupplier pidLookup) {
    return new PeerCredentials(uid, gid, Objects.requireNonNull(pidLookup, "pidLookup"));
  }

  public long uid() {
    return uid;
  }

  public long gid() {
    return gid;
  }

  /** The peer's pid, or -1; the first call may look it up (see the class comment). */
  public long pid() {
    long p = pid;
    if (p != NOT_LOOKED_UP) {
      return p;
    }
    synchronized (this) {
      if (pid == NOT_LOOKED_UP) {
        long found = pidLookup.getAsLong();
        pidLookup = null;
        pid = found < 0 ? -1 : found;
      }
      return pid;
    }
  }

  public boolean known() {
    return uid >= 0;
  }

  /** {@code uid=U gid=G} or {@code unknown}: never looks up the pid. */
  public String idsToString() {
    return known() ? "uid=" + uid + " gid=" + gid : "unknown";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerCredentials p && uid == p.uid && gid == p.gid && pid() == p.pid();
  }

  @Override
  public int hashCode() {
    return Objects.hash(uid, gid, pid());
  }

  /** {@code uid=U gid=G pid=P} ({@code pid=?} when not found) or {@code unknown}. */
  @Override
  public String toString() {
    if (!known()) {
      return "unknown";
    }
    long p = pid();
    return idsToString() + " pid=" + (p >= 0 ? p : "?");
  }
}
