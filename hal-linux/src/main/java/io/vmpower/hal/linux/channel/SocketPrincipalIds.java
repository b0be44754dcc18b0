package io.vmpower.hal.linux.channel;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The numeric uid and gid behind the JDK's user and group principals. The JDK names a principal by
 * {@code getpwuid}/{@code getgrgid}, and by the number itself when there is no such entry; this
 * turns the name back: a number is taken as it is, any other name is looked up with {@code
 * getpwnam_r}/{@code getgrnam_r} (through JNA). Answers are kept per name, so the name service is
 * asked once per user or group, not once per channel. Thread-safe.
 */
final class SocketPrincipalIds {

  private static final int ERANGE = 34;
  private static final int FIRST_BUFFER = 1024;
  private static final int MAX_BUFFER = 1 << 20;

  /** A decimal id as the JDK prints it: {@code Integer.toString} of the (signed) 32-bit id. */
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,10}");

  /** {@code struct passwd} of glibc and musl. */
  @Structure.FieldOrder({
    "pw_name",
    "pw_passwd",
    "pw_uid",
    "pw_gid",
    "pw_gecos",
    "pw_dir",
    "pw_shell"
  })
  public static final class Passwd extends Structure {
    public Pointer pw_name;
    public Pointer pw_passwd;
    public int pw_uid;
    public int pw_gid;
    public Pointer pw_gecos;
    public Pointer pw_dir;
    public Pointer pw_shell;
  }

  /** {@code struct group}. */
  @Structure.FieldOrder({"gr_name", "gr_passwd", "gr_gid", "gr_mem"})
  public static final class Group extends Structure {
    public Pointer gr_name;
    public Pointer gr_passwd;
    public int gr_gid;
    public Pointer gr_mem;
  }

  /** The part of libc used here; both return 0 or an error number (ERANGE: a larger buffer). */
  interface LibC extends Library {
    int getpwnam_r(
        String name, Passwd pwd, Pointer buf, NativeLong buflen, PointerByReference result);

    int getgrnam_r(
        String name, Group grp, Pointer buf, NativeLong buflen, PointerByReference result);
  }

  private final LibC libc;
  private final Map<String, Long> uids = new ConcurrentHashMap<>();
  private final Map<String, Long> gids = new ConcurrentHashMap<>();

  SocketPrincipalIds(LibC libc) {
    this.libc = libc;
  }

  /** Loads libc through JNA; LinkageError when it cannot. */
  static SocketPrincipalIds load() {
    return new SocketPrincipalIds(Native.load("c", LibC.class));
  }

  long uid(UserPrincipal user) throws IOException {
    String name = user.getName();
    Long id = uids.get(name);
    if (id == null) {
      id = number(name);
      if (id < 0) {
        id = lookUpUser(name);
      }
      uids.put(name, id);
    }
    return id;
  }

  long gid(GroupPrincipal group) throws IOException {
    String name = group.getName();
    Long id = gids.get(name);
    if (id == null) {
      id = number(name);
      if (id < 0) {
        id = lookUpGroup(name);
      }
      gids.put(name, id);
    }
    return id;
  }

  /** The unsigned 32-bit id {@code name} spells as a number, or -1 when it is a name. */
  static long number(String name) {
    if (!NUMBER.matcher(name).matches()) {
      return -1;
    }
    long value = Long.parseLong(name);
    if (value < Integer.MIN_VALUE || value > 0xFFFF_FFFFL) {
      return -1;
    }
    return value & 0xFFFF_FFFFL;
  }

  private long lookUpUser(String name) throws IOException {
    for (int size = FIRST_BUFFER; size <= MAX_BUFFER; size *= 2) {
      Passwd pwd = new Passwd();
      PointerByReference result = new PointerByReference();
      try (Memory buf = new Memory(size)) {
        int err = libc.getpwnam_r(name, pwd, buf, new NativeLong(size), result);
        if (err == ERANGE) {
          continue;
        }
        if (err != 0 || result.getValue() == null) {
          throw notFound("user", "getpwnam_r", name, err);
        }
        pwd.read();
        return Integer.toUnsignedLong(pwd.pw_uid);
      }
    }
    throw new IOException("getpwnam_r(" + name + "): the entry is larger than " + MAX_BUFFER);
  }

  private long lookUpGroup(String name) throws IOException {
    for (int size = FIRST_BUFFER; size <= MAX_BUFFER; size *= 2) {
      Group grp = new Group();
      PointerByReference result = new PointerByReference();
      try (Memory buf = new Memory(size)) {
        int err = libc.getgrnam_r(name, grp, buf, new NativeLong(size), result);
        if (err == ERANGE) {
          continue;
        }
        if (err != 0 || result.getValue() == null) {
          throw notFound("group", "getgrnam_r", name, err);
        }
        grp.read();
        return Integer.toUnsignedLong(grp.gr_gid);
      }
    }
    throw new IOException("getgrnam_r(" + name + "): the entry is larger than " + MAX_BUFFER);
  }

  private static IOException notFound(String what, String call, String name, int err) {
    return new IOException(
        "the peer's "
            + what
            + " '"
            + name
            + "' has no id: "
            + call
            + " found no entry"
            + (err != 0 ? " (error " + err + ")" : ""));
  }
}
