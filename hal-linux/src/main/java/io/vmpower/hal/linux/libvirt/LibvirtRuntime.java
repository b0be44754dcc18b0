package io.vmpower.hal.linux.libvirt;

import java.time.Duration;
import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's per-process state that this backend needs, held here once because libvirt itself keeps
 * it per process: its error reporting (to SLF4J at debug level instead of libvirt's default
 * printing to stderr; callers get each error as a LibvirtException anyway) and its default event
 * loop, which one daemon thread runs while at least one user {@linkplain #acquire() holds} it.
 */
final class LibvirtRuntime {
  private static final Logger log = LoggerFactory.getLogger(LibvirtRuntime.class);
  private static final LibvirtRuntime PROCESS = new LibvirtRuntime();

  static final String THREAD_NAME = "vmpower-libvirt-events";
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);
  private static final long ERROR_PAUSE_MILLIS = 100;

  private final Libvirt.VirErrorCallback errorLogger =
      (userData, error) -> log.debug("libvirt: {}", error.message);

  private boolean initialized;
  private int users;
  private Thread thread;
  private volatile boolean stopping;

  private LibvirtRuntime() {}

  /** The one runtime of this process. */
  static LibvirtRuntime process() {
    return PROCESS;
  }

  /** Sets libvirt up on first use and makes sure the event thread runs. */
  synchronized void acquire() throws LibvirtException {
    if (!initialized) {
      Connect.setErrorCallback(errorLogger);
      Library.initEventLoop();
      initialized = true;
    }
    if (users++ == 0) {
      start();
    }
  }

  /** Stops the event thread when its last user lets go. */
  synchronized void release() {
    if (users == 0) {
      throw new IllegalStateException("libvirt runtime released more often than acquired");
    }
    if (--users == 0) {
      stop();
    }
  }

  private void start() {
    stopping = false;
    thread = new Thread(this::loop, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!stopping) {
      try {
        Library.runEventLoop(); // returns after Library.stopEventLoop()
      } catch (LibvirtException e) {
        log.warn("libvirt's event loop failed: {}", LibvirtErrors.message(e));
        try {
          Thread.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void stop() {
    stopping = true;
    long deadline = System.nanoTime() + STOP_WAIT.toNanos();
    try {
      // stopEventLoop only wakes a loop that has started: repeat until the thread is gone
      while (thread.isAlive() && System.nanoTime() < deadline) {
        try {
          Library.stopEventLoop();
        } catch (LibvirtException e) {
          log.debug("cannot wake libvirt's event loop: {}", LibvirtErrors.message(e));
        }
        thread.join(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("libvirt's event thread did not stop within {}; it is a daemon", STOP_WAIT);
    }
    thread = null;
  }
}
