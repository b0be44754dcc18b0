package io.vmpower.hal.linux.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the listener of a socket path in a /proc laid out as plain files and symbolic links. */
class SocketListenerPidsTest {
  private static final String HEADER = "Num       RefCount Protocol Flags    Type St Inode Path\n";

  @TempDir Path proc;

  private final Path channels = Path.of("/run/vmpower/channels");

  private void unix(String... lines) throws IOException {
    Files.createDirectories(proc.resolve("net"));
    Files.writeString(proc.resolve("net/unix"), HEADER + String.join("\n", lines) + "\n");
  }

  /** A line of /proc/net/unix: listening (flags 00010000, state 01) or connected (0, 03). */
  private static String socket(boolean listening, long inode, String path) {
    return "0000000000000000: 00000002 00000000 "
        + (listening ? "00010000 0001 01 " : "00000000 0001 03 ")
        + inode
        + (path == null ? "" : " " + path);
  }

  private void fd(long pid, int fd, String target) throws IOException {
    Files.createDirectories(proc.resolve(pid + "/fd"));
    Files.createSymbolicLink(proc.resolve(pid + "/fd/" + fd), Path.of(target));
  }

  @Test
  void theProcessHoldingTheListeningSocketAtThePathIsTheAnswer() throws IOException {
    unix(
        socket(false, 100, null),
        socket(true, 200, "/run/systemd/notify"),
        socket(true, 300, channels + "/vm1.0"),
        socket(false, 301, channels + "/vm1.0"), // the accepted end of our connection
        socket(true, 400, channels + "/vm1.1"));
    fd(1, 3, "socket:[200]");
    fd(900, 0, "/dev/null");
    fd(900, 9, "socket:[301]");
    fd(14676, 12, "socket:[300]");
    fd(14676, 13, "socket:[400]");
    fd(14677, 4, "anon_inode:[eventfd]");
    byte[] latin1 =
        (socket(true, 500, "/tmp/caf\u00e9") + "\n").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(proc.resolve("net/unix"), latin1, StandardOpenOption.APPEND); // not UTF-8
    SocketListenerPids pids = new SocketListenerPids(proc);

    assertEquals(14676, pids.pidOf(channels.resolve("vm1.0")));
    assertEquals(14676, pids.pidOf(channels.resolve("vm1.1")));
    assertEquals(-1, pids.pidOf(channels.resolve("vm1.2")), "no such socket");
  }

  @Test
  void aNewHolderIsFoundWhenTheOneNotedNoLongerHasTheSocket() throws IOException {
    unix(socket(true, 300, channels + "/vm1.0"));
    fd(14676, 12, "socket:[300]");
    SocketListenerPids pids = new SocketListenerPids(proc);
    assertEquals(14676, pids.pidOf(channels.resolve("vm1.0")));

    Files.delete(proc.resolve("14676/fd/12"));
    fd(20000, 7, "socket:[300]");
    assertEquals(20000, pids.pidOf(channels.resolve("vm1.0")));

    Files.delete(proc.resolve("20000/fd/7")); // QEMU restarted and bound the path again
    unix(socket(true, 500, channels + "/vm1.0"));
    fd(20001, 7, "socket:[500]");
    assertEquals(20001, pids.pidOf(channels.resolve("vm1.0")));
  }

  @Test
  void oneReadOfTheSocketListAndOneScanAnswerForEveryChannelOfAShowVm() throws IOException {
    unix(socket(true, 300, channels + "/vm1.0"), socket(true, 400, channels + "/vm1.1"));
    fd(14676, 12, "socket:[300]");
    fd(14676, 13, "socket:[400]");
    SocketListenerPids pids = new SocketListenerPids(proc);
    assertEquals(14676, pids.pidOf(channels.resolve("vm1.0")));

    Files.delete(proc.resolve("net/unix")); // a second read would fail
    fd(100, 3, "socket:[400]"); // a second scan would answer 100
    assertEquals(14676, pids.pidOf(channels.resolve("vm1.1")), "from what was read before");
  }

  @Test
  void sharedByTwoProcessesTheLowestPidIsTaken() throws IOException {
    unix(socket(true, 300, channels + "/vm1.0"));
    fd(3000, 4, "socket:[300]");
    fd(250, 9, "socket:[300]");
    assertEquals(250, new SocketListenerPids(proc).pidOf(channels.resolve("vm1.0")));
  }

  @Test
  void whatCannotBeFoundIsMinusOne() throws IOException {
    SocketListenerPids pids = new SocketListenerPids(proc);
    assertEquals(-1, pids.pidOf(channels.resolve("vm1.0")), "no /proc/net/unix");

    unix(socket(true, 300, channels + "/vm1.0"));
    assertEquals(-1, pids.pidOf(channels.resolve("vm1.0")), "nobody holds it (or may be seen)");
    Files.createDirectories(proc.resolve("77")); // a process whose fd folder cannot be listed
    assertEquals(-1, pids.pidOf(channels.resolve("vm1.0")));
  }

  @Test
  void linesAreReadStrictlyPathsWithSpacesAndAbstractNamesIncluded() {
    Map<String, Long> out = new HashMap<>();
    SocketListenerPids.parse(socket(true, 1, "/tmp/a b/vm 1.0"), out);
    SocketListenerPids.parse(socket(true, 2, "@abstract"), out);
    SocketListenerPids.parse(socket(true, 3, null), out);
    SocketListenerPids.parse(socket(false, 4, "/tmp/connected"), out);
    SocketListenerPids.parse("0000000000000000: 00000002 00000000 zz 0001 01 5 /tmp/x", out);
    SocketListenerPids.parse("garbage", out);
    SocketListenerPids.parse("", out);

    assertEquals(Map.of("/tmp/a b/vm 1.0", 1L), out);
  }
}
