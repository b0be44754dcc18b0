package io.vmpower.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The control socket: where it is, who may use it, and the bounds every client is held to. The
 * configuration file's {@code control} section binds to it by component name.
 *
 * @param path the socket ({@code /run/vmpower/control.sock}); its folder is made 0755 if missing
 * @param group the group whose members may connect, by name or number; empty: root only (and the
 *     user the host runs as) ({@code ""})
 * @param mode the socket file's permissions, octal ({@code "0660"})
 * @param maxClients clients served at once; more are refused with a reason (16)
 * @param maxRequestBytes the longest request line, newline excluded; a longer one is refused at
 *     once and the client disconnected (65536)
 * @param maxOutputBytes the largest reply a client is sent; a command whose reply is larger is
 *     reported as an error and the client disconnected (16 MiB)
 * @param idleTimeoutMillis a client that sends no complete request for this long is disconnected
 *     (60000)
 * @param writeTimeoutMillis a client that has not taken a whole reply within this long is
 *     disconnected (10000)
 */
public record ControlSettings(
    Path path,
    String group,
    String mode,
    Integer maxClients,
    Integer maxRequestBytes,
    Integer maxOutputBytes,
    Integer idleTimeoutMillis,
    Integer writeTimeoutMillis) {

  public static final Path DEFAULT_PATH = Path.of("/run/vmpower/control.sock");
  public static final String DEFAULT_MODE = "0660";
  public static final int DEFAULT_MAX_CLIENTS = 16;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_IDLE_TIMEOUT_MILLIS = 60_000;
  public static final int DEFAULT_WRITE_TIMEOUT_MILLIS = 10_000;

  private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?");

  /** A component left out (null, as a configuration file without the key gives) is the default. */
  public ControlSettings {
    path = path == null ? DEFAULT_PATH : path;
    group = group == null ? "" : group;
    mode = mode == null ? DEFAULT_MODE : mode;
    maxClients = maxClients == null ? DEFAULT_MAX_CLIENTS : maxClients;
    maxRequestBytes = maxRequestBytes == null ? DEFAULT_MAX_REQUEST_BYTES : maxRequestBytes;
    maxOutputBytes = maxOutputBytes == null ? DEFAULT_MAX_OUTPUT_BYTES : maxOutputBytes;
    idleTimeoutMillis = idleTimeoutMillis == null ? DEFAULT_IDLE_TIMEOUT_MILLIS : idleTimeoutMillis;
    writeTimeoutMillis =
        writeTimeoutMillis == null ? DEFAULT_WRITE_TIMEOUT_MILLIS : writeTimeoutMillis;
    if (path.getFileName() == null) {
      throw new IllegalArgumentException(
          "control socket path must name a file, got '" + path + "'");
    }
    if (!group.isEmpty() && !GROUP.matcher(group).matches()) {
      throw new IllegalArgumentException(
          "control socket group '"
              + group
              + "' is not a group name or number (letters, digits, _ . -; empty for root only)");
    }
    if (!MODE.matcher(mode).matches()) {
      throw new IllegalArgumentException(
          "control socket mode '" + mode + "' is not an octal mode such as 0660");
    }
    if ((Integer.parseInt(mode, 8) & 0200) == 0) {
      throw new IllegalArgumentException(
          "control socket mode " + mode + " does not let its owner connect (needs 0200)");
    }
    if (maxClients < 1 || maxClients > 1024) {
      throw new IllegalArgumentException("control max clients must be 1-1024, got " + maxClients);
    }
    if (maxRequestBytes < 256 || maxRequestBytes > 16 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "control max request bytes must be 256 to 16 MiB, got " + maxRequestBytes);
    }
    if (maxOutputBytes < 1024) {
      throw new IllegalArgumentException(
          "control max output bytes must be at least 1024, got " + maxOutputBytes);
    }
    if (idleTimeoutMillis < 1) {
      throw new IllegalArgumentException(
          "control idle timeout must be at least 1 ms, got " + idleTimeoutMillis);
    }
    if (writeTimeoutMillis < 1) {
      throw new IllegalArgumentException(
          "control write timeout must be at least 1 ms, got " + writeTimeoutMillis);
    }
  }

  /** The defaults. */
  public static ControlSettings defaults() {
    return new ControlSettings(null, null, null, null, null, null, null, null);
  }

  /** {@link #idleTimeoutMillis()} as a duration. */
  public Duration idleTimeout() {
    return Duration.ofMillis(idleTimeoutMillis);
  }

  /** {@link #writeTimeoutMillis()} as a duration. */
  public Duration writeTimeout() {
    return Duration.ofMillis(writeTimeoutMillis);
  }

  /** The socket file's permission bits. */
  public int modeBits() {
    return Integer.parseInt(mode, 8);
  }

  public ControlSettings withPath(Path p) {
    return new ControlSettings(
        p,
        group,
        mode,
        maxClients,
        maxRequestBytes,
        maxOutputBytes,
        idleTimeoutMillis,
        writeTimeoutMillis);
  }

  public ControlSettings withGroup(String g) {
    return new ControlSettings(
        path,
        g,
        mode,
        maxClients,
        maxRequestBytes,
        maxOutputBytes,
        idleTimeoutMillis,
        writeTimeoutMillis);
  }

  public ControlSettings withMode(String m) {
    return new ControlSettings(
        path,
        group,
        m,
        maxClients,
        maxRequestBytes,
        maxOutputBytes,
        idleTimeoutMillis,
        writeTimeoutMillis);
  }

  /** The same settings with other bounds (for tests and the benchmark). */
  public ControlSettings withLimits(
      int clients, int requestBytes, int outputBytes, Duration idle, Duration write) {
    return new ControlSettings(
        path,
        group,
        mode,
        clients,
        requestBytes,
        outputBytes,
        (int) Math.min(Integer.MAX_VALUE, idle.toMillis()),
        (int) Math.min(Integer.MAX_VALUE, write.toMillis()));
  }
}
