package io.vmpower.hal.linux.channel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pid of the process listening on a UNIX socket path (QEMU, for a channel), found in {@code
 * /proc}: {@code /proc/net/unix} gives the inode of the listening socket bound at the path, and the
 * process with a descriptor {@code /proc/PID/fd/N} that links to {@code socket:[INODE]} holds it.
 *
 * <p>What costs is the scan of the processes' descriptors, and the read of {@code /proc/net/unix}
 * on a host with many sockets. So one scan notes the holder of every listening socket in the same
 * folder (every channel), and one read answers for a second ({@link #SNAPSHOT_NANOS}): a {@code
 * show_vm} asking for each of its channels reads and scans once, then takes one {@code readlink}
 * per channel to check that the noted holder still has the socket (if not, both are done again).
 * When several processes share the socket, the lowest pid is taken; this process is scanned last.
 * The answer is -1 when the socket is not listed (another network namespace, a relative path), when
 * no process the scan may look into holds it (another user's processes without root, {@code
 * hidepid}), or when {@code /proc} cannot be read. Called when someone asks, never on the monitor
 * thread. Thread-safe.
 */
final class SocketListenerPids {

  private static final Logger log = LoggerFactory.getLogger(SocketListenerPids.class);

  /** __SO_ACCEPTCON in the Flags column: a listening socket. */
  private static final long ACCEPTING = 0x10000;

  private static final int PATH_FIELD = 7;

  /** How long one read of {@code /proc/net/unix} answers for (a show_vm asks for each channel). */
  static final long SNAPSHOT_NANOS = 1_000_000_000L;

  private final Path proc;
  private final long self;

  /** Listening inode -> the descriptor that held it when last seen. */
  private final Map<Long, Path> holders = new HashMap<>();

  /** Path -> inode of the listening sockets, as read at {@link #listeningRead}. */
  private Map<String, Long> listening = Map.of();

  private long listeningRead;

  /** {@code proc}: where procfs is mounted ({@code /proc}; a folder of plain files in tests). */
  SocketListenerPids(Path proc) {
    this.proc = proc;
    this.self = ProcessHandle.current().pid();
    this.listeningRead = System.nanoTime() - SNAPSHOT_NANOS;
  }

  /** The pid of the process listening at {@code socket}, or -1 when it cannot be found. */
  synchronized long pidOf(Path socket) {
    try {
      Path path = socket.toAbsolutePath().normalize();
      long lastRead = listeningRead;
      Map<String, Long> listening = listening(false);
      Long inode = listening.get(path.toString());
      if (listeningRead == lastRead
          && (inode == null || !link(inode).equals(readLink(holders.get(inode))))) {
        // an earlier read without the path, or its holder has let go: read again
        listening = listening(true);
        inode = listening.get(path.toString());
      }
      if (inode == null) {
        log.debug("no listening socket at {} in {}", path, proc.resolve("net/unix"));
        return -1;
      }
      Path fd = holders.get(inode);
      if (fd == null || !link(inode).equals(readLink(fd))) {
        scan(inodesIn(listening, path.getParent()));
        fd = holders.get(inode);
      }
      if (fd == null) {
        log.debug("no process under {} holds {} ({})", proc, link(inode), path);
        return -1;
      }
      return Long.parseLong(fd.getParent().getParent().getFileName().toString());
    } catch (IOException | RuntimeException e) {
      log.debug("pid of the listener at {}: {}", socket, e.toString());
      return -1;
    }
  }

  private static String link(long inode) {
    return "socket:[" + inode + "]";
  }

  /** The inodes of the listening sockets in {@code dir} (the channel folder). */
  private static Set<Long> inodesIn(Map<String, Long> listening, Path dir) {
    Set<Long> out = new HashSet<>();
    String prefix = dir == null ? "/" : dir.toString() + "/";
    for (Map.Entry<String, Long> e : listening.entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getKey().indexOf('/', prefix.length()) < 0) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /**
   * Path -> inode of every listening socket in {@code /proc/net/unix}: read again when {@code
   * fresh} or when the last read is older than {@link #SNAPSHOT_NANOS}.
   */
  private Map<String, Long> listening(boolean fresh) throws IOException {
    long now = System.nanoTime();
    if (!fresh && now - listeningRead < SNAPSHOT_NANOS) {
      return listening;
    }
    Map<String, Long> out = new HashMap<>();
    // another program's path need not be UTF-8: decoded with replacement, it just never matches
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                Files.newInputStream(proc.resolve("net").resolve("unix")),
                StandardCharsets.UTF_8))) {
      in.readLine(); // the header
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        parse(line, out);
      }
    }
    listening = out;
    listeningRead = now;
    return out;
  }

  /**
   * One line: {@code Num RefCount Protocol Flags Type St Inode [Path]}, the path as bound (after
   * one space, spaces and all; {@code @} first for an abstract name).
   */
  static void parse(String line, Map<String, Long> out) {
    int[] start = new int[PATH_FIELD];
    int[] end = new int[PATH_FIELD];
    int pos = 0;
    for (int f = 0; f < PATH_FIELD; f++) {
      while (pos < line.length() && line.charAt(pos) == ' ') {
        pos++;
      }
      start[f] = pos;
      while (pos < line.length() && line.charAt(pos) != ' ') {
        pos++;
      }
      end[f] = pos;
      if (start[f] == end[f]) {
        return; // short line
      }
    }
    if (pos + 1 >= line.length() || line.charAt(pos + 1) == '@') {
      return; // unbound or abstract
    }
    try {
      long flags = Long.parseLong(line.substring(start[3], end[3]), 16);
      if ((flags & ACCEPTING) != 0) {
        out.put(line.substring(pos + 1), Long.parseLong(line.substring(start[6], end[6])));
      }
    } catch (NumberFormatException e) {
      // not a socket line
    }
  }

  /**
   * Reads the processes' descriptors, lowest pid first, noting the holder of each socket in {@code
   * inodes} (the first seen: the lowest pid); stops once every one is found. This process comes
   * last: it holds the client end of every channel, which is slow to go through.
   */
  private void scan(Set<Long> inodes) throws IOException {
    holders.clear();
    Set<Long> pids = new TreeSet<>((a, b) -> a == self ? 1 : b == self ? -1 : Long.compare(a, b));
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!name.isEmpty()
            && name.length() < 19
            && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
          pids.add(Long.parseLong(name));
        }
      }
    }
    int scanned = 0;
    for (long pid : pids) {
      if (holders.size() == inodes.size()) {
        break;
      }
      scanned++;
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(pid + "/fd"))) {
        for (Path fd : fds) {
          long inode = socketInode(readLink(fd));
          if (inode >= 0 && inodes.contains(inode)) {
            holders.putIfAbsent(inode, fd);
          }
        }
      } catch (IOException e) {
        // the process is gone, or its descriptors are not ours to look into
      }
    }
    log.debug(
        "scanned {} of {} processes: {} of {} listening channel sockets held",
        scanned,
        pids.size(),
        holders.size(),
        inodes.size());
  }

  /** N of {@code socket:[N]}, or -1. */
  private static long socketInode(String link) {
    if (link == null || !link.startsWith("socket:[") || !link.endsWith("]")) {
      return -1;
    }
    try {
      return Long.parseLong(link.substring(8, link.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String readLink(Path fd) {
    if (fd == null) {
      return null;
    }
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }
}
