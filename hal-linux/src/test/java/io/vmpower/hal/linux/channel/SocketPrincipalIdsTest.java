package io.vmpower.hal.linux.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Principals back to numbers, with the real name service of this machine. */
class SocketPrincipalIdsTest {

  private final UserPrincipalLookupService lookup =
      FileSystems.getDefault().getUserPrincipalLookupService();

  /** The real libc, counting the name-service calls. */
  private static final class CountingLibC implements SocketPrincipalIds.LibC {
    final SocketPrincipalIds.LibC libc = Native.load("c", SocketPrincipalIds.LibC.class);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public int getpwnam_r(
        String name,
        SocketPrincipalIds.Passwd pwd,
        Pointer buf,
        NativeLong buflen,
        PointerByReference result) {
      calls.incrementAndGet();
      return libc.getpwnam_r(name, pwd, buf, buflen, result);
    }

    @Override
    public int getgrnam_r(
        String name,
        SocketPrincipalIds.Group grp,
        Pointer buf,
        NativeLong buflen,
        PointerByReference result) {
      calls.incrementAndGet();
      return libc.getgrnam_r(name, grp, buf, buflen, result);
    }
  }

  private static UserPrincipal user(String name) {
    return () -> name;
  }

  private static GroupPrincipal group(String name) {
    return () -> name;
  }

  @Test
  void namesWithEntriesAreLookedUpOnceEach() throws IOException {
    CountingLibC libc = new CountingLibC();
    SocketPrincipalIds ids = new SocketPrincipalIds(libc);
    UnixSystem self = new UnixSystem();
    UserPrincipal me = lookup.lookupPrincipalByName(self.getUsername());

    assertEquals(0, ids.uid(user("root")));
    assertEquals(0, ids.gid(group("root")));
    assertEquals(self.getUid(), ids.uid(me));
    assertEquals(self.getUid(), ids.uid(me));
    assertEquals(0, ids.uid(user("root")));
    int names = self.getUsername().equals("root") ? 2 : 3; // root (user), root (group), me
    assertEquals(names, libc.calls.get());
  }

  @Test
  void theJdksNumberForAnIdWithoutEntryIsTakenAsItIs() throws IOException {
    CountingLibC libc = new CountingLibC();
    SocketPrincipalIds ids = new SocketPrincipalIds(libc);

    assertEquals(54321, ids.uid(user("54321")));
    assertEquals(54321, ids.gid(group("54321")));
    assertEquals(4_294_967_294L, ids.uid(user("-2")), "the JDK prints the 32-bit id signed");
    assertEquals(4_294_967_294L, ids.uid(user("4294967294")));
    assertEquals(0, libc.calls.get());
  }

  @Test
  void aNameWithoutEntryFailsNamingIt() {
    SocketPrincipalIds ids = new SocketPrincipalIds(new CountingLibC());

    IOException e = assertThrows(IOException.class, () -> ids.uid(user("no-such-user-vmpower")));
    assertEquals(
        "the peer's user 'no-such-user-vmpower' has no id: getpwnam_r found no entry",
        e.getMessage());
    e = assertThrows(IOException.class, () -> ids.gid(group("no-such-group-vmpower")));
    assertTrue(e.getMessage().contains("group 'no-such-group-vmpower'"), e.getMessage());
  }

  @Test
  void numbersOutOfRangeAreNames() {
    assertEquals(-1, SocketPrincipalIds.number("4294967296"));
    assertEquals(-1, SocketPrincipalIds.number("-2147483649"));
    assertEquals(-1, SocketPrincipalIds.number("libvirt-qemu"));
    assertEquals(-1, SocketPrincipalIds.number(""));
    assertEquals(2_147_483_648L, SocketPrincipalIds.number("-2147483648"));
  }
}
