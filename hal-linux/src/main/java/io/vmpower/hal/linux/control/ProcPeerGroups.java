package io.vmpower.hal.linux.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A process's supplementary groups, from the {@code Groups:} line of {@code /proc/PID/status}
 * (SO_PEERCRED gives only the primary gid). Read at accept: the process's groups now, which is what
 * a kernel check of the socket file would use too.
 */
final class ProcPeerGroups {
  private final Path proc;

  ProcPeerGroups(Path proc) {
    this.proc = proc;
  }

  /** The groups of {@code pid}, or empty when they cannot be read (no such process, no /proc). */
  Optional<Set<Long>> of(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    try {
      for (String line :
          Files.readAllLines(
              proc.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("Groups:")) {
          return Optional.of(parse(line.substring("Groups:".length())));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Set<Long> parse(String ids) {
    Set<Long> groups = new HashSet<>();
    for (String word : ids.trim().split("\\s+")) {
      if (!word.isEmpty()) {
        groups.add(Long.parseLong(word));
      }
    }
    return groups;
  }
}
