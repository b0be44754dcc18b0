package io.vmpower.core.config;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The {@code control} section: the control socket the daemon's clients connect to (issue 12, part
 * 2, extends this record).
 *
 * @param path the socket's path. Default {@code /run/vmpower/control.sock}
 * @param group the group that may connect besides root (a name or a gid). Default none: root only
 * @param mode the socket file's permissions, octal. Default {@code 0660}
 */
public record ControlSettings(Path path, String group, String mode) {
  public static final Path DEFAULT_PATH = Path.of("/run/vmpower/control.sock");
  public static final String DEFAULT_MODE = "0660";

  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?");
  private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

  public ControlSettings {
    path = ConfigChecks.absolutePath("path", path == null ? DEFAULT_PATH : path);
    if (group != null && !GROUP.matcher(group).matches()) {
      throw new ConfigValueException(
          "group",
          "'"
              + group
              + "' is not a group name or gid; accepted: letters, digits, '_', '.', '-' (at most 32)");
    }
    mode = mode == null ? DEFAULT_MODE : mode;
    if (!MODE.matcher(mode).matches()) {
      throw new ConfigValueException(
          "mode",
          "'" + mode + "' is not an octal mode; accepted: 3 or 4 octal digits, e.g. \"0660\"");
    }
  }

  public static ControlSettings defaults() {
    return new ControlSettings(null, null, null);
  }

  /** The mode as a number, e.g. 0660 = 432. */
  public int modeBits() {
    return Integer.parseInt(mode, 8);
  }
}
