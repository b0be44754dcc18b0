package io.vmpower.core.service;

/**
 * Something the daemon runs beside the channel monitor, such as the control socket's server or a
 * metrics endpoint. The daemon starts its services once the VMs of its configuration are managed
 * and before the service manager hears {@code READY=1}, in the order they were bound; it closes
 * them when it stops, in the reverse order, before the channels close and the CPUs are restored. A
 * module adds one with {@code Multibinder.newSetBinder(binder(), Service.class).addBinding()}.
 */
public interface Service extends AutoCloseable {

  /** For logs, e.g. {@code control socket /run/vmpower/control.sock}. */
  String name();

  /**
   * Starts serving (binds sockets, starts threads) and returns.
   *
   * @throws Exception when it cannot: the daemon then does not start (it stops what it started and
   *     exits non-zero with the message)
   */
  void start() throws Exception;

  /** Stops serving and frees what it holds; must not throw. Idempotent. */
  @Override
  void close();
}
