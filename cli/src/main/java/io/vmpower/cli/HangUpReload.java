package io.vmpower.cli;

import io.vmpower.core.host.CommandException;
import io.vmpower.core.service.HostService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the configuration, as {@code reload} does (systemd's {@code ExecReload=kill -HUP
 * $MAINPID}); the report goes to the log. Installed only for a host that runs from a configuration
 * file: otherwise SIGHUP keeps the JVM's meaning (stop, restoring the CPUs).
 */
final class HangUpReload {
  private static final Logger log = LoggerFactory.getLogger(HangUpReload.class);

  private HangUpReload() {}

  /** Returns whether SIGHUP now reloads. */
  static boolean install(HostService service) {
    try {
      Signal.handle(new Signal("HUP"), signal -> reload(service));
      return true;
    } catch (IllegalArgumentException e) {
      log.warn("SIGHUP cannot reload the configuration here ({}): use reload", e.getMessage());
      return false;
    }
  }

  private static void reload(HostService service) {
    if (!service.ready()) {
      log.warn("SIGHUP while the host starts or stops: not reloaded (send it again once ready)");
      return;
    }
    log.info("SIGHUP: reloading the configuration");
    try {
      service.reload(); // logs its report
    } catch (CommandException e) {
      log.warn("SIGHUP: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("SIGHUP: reload failed: {}", e.toString(), e);
    }
  }
}
