package io.vmpower.core.hal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A listening control socket, from {@link ControlSocket#listen}. One thread calls {@link #accept};
 * {@link #close} may be called from any thread and makes a waiting {@link #accept} fail.
 */
public interface ControlListener extends AutoCloseable {

  Path path();

  /** For reports: path, mode, group and backend. */
  String description();

  /** The gid of the configured group, or -1 when none is (root only). */
  long groupId();

  /** The uid the host runs as (the socket file's owner), which may always connect. */
  long ownerUid();

  /**
   * Waits for the next client; its credentials are known before anything is read from it. Fails
   * with an IOException once the listener is closed.
   */
  ControlConnection accept() throws IOException;

  boolean isOpen();

  /** Stops listening and removes the socket file. Idempotent. */
  @Override
  void close();
}
