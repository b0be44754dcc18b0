package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Nothing listens on (or talks to) a network: the host's only sockets are AF_UNIX ones. */
class NoNetworkTest {

  @Test
  void aRunningHostWithAttachedChannelsHasNoInetSocket() throws IOException {
    Set<String> inetBefore = inetSocketInodes();
    SimulatedWorld world = new SimulatedWorld();
    try {
      world.startDemo();
      assertEquals(0, world.run("add_vm vm1"));
      assertEquals(0, world.run("add_channels vm1 all"));
      Set<String> ours = new HashSet<>(socketInodesOfThisProcess());
      ours.retainAll(inetSocketInodes());
      ours.removeAll(inetBefore);
      assertTrue(ours.isEmpty(), "inet sockets opened by the host: " + ours);
      assertTrue(socketInodesOfThisProcess().size() >= 2, "the channel sockets are there");
    } finally {
      world.close();
    }
  }

  /** The inodes of every TCP/UDP socket of the machine (IPv4 and IPv6). */
  private static Set<String> inetSocketInodes() throws IOException {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
      Path p = Path.of("/proc/net", table);
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9) {
          inodes.add(f[9]);
        }
      }
    }
    return inodes;
  }

  private static List<String> socketInodesOfThisProcess() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            out.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // the fd closed meanwhile
        }
      }
    }
    return out;
  }
}
