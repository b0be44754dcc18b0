package io.vmpower.core.hal;

import java.io.IOException;
import java.nio.file.Path;

/** Why a client could not connect to a control socket, with what to do about it. */
public final class ControlConnectException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What was found at the path. */
  public enum Reason {
    /** No file at the path: no host is running there. */
    MISSING,
    /** A socket file nobody listens on: a host that stopped without removing it. */
    REFUSED,
    /** The file's permissions keep this user out. */
    FORBIDDEN,
    /** A file that is not a socket. */
    NOT_A_SOCKET,
    /** Anything else. */
    OTHER
  }

  private final Reason reason;
  private final transient Path path;

  public ControlConnectException(Reason reason, Path path, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.path = path;
  }

  public Reason reason() {
    return reason;
  }

  public Path path() {
    return path;
  }
}
