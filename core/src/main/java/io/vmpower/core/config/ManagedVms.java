package io.vmpower.core.config;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * {@code vms.manage}: which VMs the daemon manages by itself. {@code auto} (the default): every VM
 * whose domain XML has power channels ({@code virtio.serial.port.poweragent.N}); or a list of VM
 * names and globs ({@code *}, {@code ?}, {@code [abc]}, {@code {a,b}}): the VMs that match, whose
 * channels come from their XML or, when it names none, from the {@code {vm}.{n}} sockets of the
 * channel folder.
 *
 * @param auto whether it is {@code auto}
 * @param patterns the names and globs when not {@code auto}
 */
public record ManagedVms(boolean auto, List<String> patterns) {
  /** The word that stands for {@link #AUTO} in a file. */
  public static final String AUTO_WORD = "auto";

  public static final ManagedVms AUTO = new ManagedVms(true, List.of());

  public ManagedVms {
    patterns = ConfigChecks.list("manage", patterns == null ? List.of() : patterns);
    if (auto && !patterns.isEmpty()) {
      throw new ConfigValueException("manage", "either auto or a list of names, not both");
    }
    for (String p : patterns) {
      matcher(p);
    }
  }

  /** The VMs named by these names and globs. */
  public static ManagedVms listed(List<String> patterns) {
    return new ManagedVms(false, patterns);
  }

  /**
   * Whether VM {@code name} is listed (always false for {@code auto}, which depends on its XML).
   */
  public boolean lists(String name) {
    for (String p : patterns) {
      if (p.equals(name)) {
        return true;
      }
      try {
        if (matcher(p).matches(Path.of(name))) {
          return true;
        }
      } catch (InvalidPathException notAPath) {
        // a name no glob can match
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return auto ? AUTO_WORD : patterns.toString();
  }

  private static PathMatcher matcher(String pattern) {
    if (pattern.isEmpty() || pattern.contains("/")) {
      throw new ConfigValueException(
          "manage",
          "'"
              + pattern
              + "' is not a VM name or glob: non-empty, without '/' (VM names have none)");
    }
    try {
      return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    } catch (IllegalArgumentException e) {
      throw new ConfigValueException(
          "manage",
          "'"
              + pattern
              + "' is not a valid glob ("
              + e.getMessage().lines().findFirst().orElse("")
              + "); accepted: names with *, ?, [abc], {a,b}");
    }
  }
}
