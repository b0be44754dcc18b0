package io.vmpower.core.hal;

import io.vmpower.core.config.ControlSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The host's control socket, where operators' clients ({@code vm-power-mgr --connect}) send {@code
 * vm_power>} commands: a listening socket whose connections carry the peer's credentials (AF_UNIX
 * on Linux, in-memory connections in the simulator).
 */
public interface ControlSocket {

  /** For reports: the backend and how it learns a peer's credentials. */
  String description();

  /**
   * Listens at {@code settings.path()} with its mode and group. A socket file left by a host that
   * was killed is replaced, but only when it is a socket and nothing answers on it; any other file
   * there is left alone and the bind fails saying why. A missing parent folder is made (0755).
   */
  ControlListener listen(ControlSettings settings) throws IOException;

  /**
   * Connects to the control socket at {@code path} as a client. Fails with a {@link
   * ControlConnectException} that says which of missing, refused or forbidden it was.
   */
  ControlConnection connect(Path path) throws IOException;
}
