package io.vmpower.guest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon thread that reads a port into its {@link ReplyQueue}, so that requests can wait for
 * replies with a timeout. At end-of-file of a socket (the host is gone for good) it ends the queue;
 * a character device reads end-of-file while no host is attached, so it retries after a pause.
 */
final class KvmPortReader implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(KvmPortReader.class);
  private static final long DETACHED_RETRY_MS = 200;

  private final KvmPort port;
  private final ReplyQueue queue;
  private volatile boolean stopping;

  private KvmPortReader(KvmPort port, ReplyQueue queue) {
    this.port = port;
    this.queue = queue;
  }

  /** Starts a reader for {@code port} on a daemon thread named for {@code lcore}. */
  static KvmPortReader start(KvmPort port, ReplyQueue queue, int lcore) {
    KvmPortReader reader = new KvmPortReader(port, queue);
    Thread t = new Thread(reader, "vmpower-port-reader-" + lcore);
    t.setDaemon(true);
    t.start();
    return reader;
  }

  /** Tells the reader that the port is being closed, so the close is not reported as an error. */
  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    byte[] chunk = new byte[4096];
    ByteBuffer buf = ByteBuffer.wrap(chunk);
    boolean detached = false;
    try {
      while (!stopping) {
        buf.clear();
        int n = port.read(buf);
        if (n > 0) {
          detached = false;
          queue.put(chunk, 0, n);
        } else if (n < 0) {
          if (port.endOfFileIsFinal()) {
            log.warn("{}: the host closed the channel", port);
            queue.end("the host closed " + port.path());
            return;
          }
          if (!detached) {
            log.info("{}: no host attached; waiting for one", port);
            detached = true;
          }
          TimeUnit.MILLISECONDS.sleep(DETACHED_RETRY_MS);
        }
      }
    } catch (IOException e) {
      if (!stopping) {
        log.warn("{}: read failed: {}", port, e.toString());
      }
      queue.end(
          stopping ? port.path() + " is closed" : "read from " + port.path() + " failed: " + e);
    } catch (InterruptedException e) {
      queue.end(port.path() + " is closed");
      Thread.currentThread().interrupt();
    }
  }
}
