package io.vmpower.hal.linux.channel;

import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import io.vmpower.core.hal.ChannelTransport;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels over the AF_UNIX stream sockets that QEMU binds and listens on: the host connects to
 * each as a client with the JDK's own UNIX-domain {@link SocketChannel}, and one JDK {@link
 * Selector} (epoll on Linux) waits for all of them.
 *
 * <p>Thread rule: {@link #open} and {@link #await} run on the monitor thread only; {@link #wakeup}
 * may be called from any thread.
 *
 * <p>A peer hang-up is delivered as {@link ChannelEventHandler#onReadable}, after which {@link
 * ChannelEndpoint#read} returns -1: the JDK selector folds EPOLLHUP/EPOLLERR into the interest set,
 * and every endpoint is always interested in reading, so {@link ChannelEventHandler#onHangUp} is
 * never needed here. {@link ChannelEventHandler#onAttachable} is not sent either: the monitor's
 * retries find a restarted VM.
 */
public final class SocketChannelTransport implements ChannelTransport {

  private static final Logger log = LoggerFactory.getLogger(SocketChannelTransport.class);

  private final Selector selector;
  private final SocketPeerCredentials credentials;

  /** Created once: {@code select(Consumer, long)} then allocates nothing per event. */
  private final Consumer<SelectionKey> dispatcher = this::dispatch;

  /** How much older than a listing the folder's time must be for the listing to be reused. */
  static final long SETTLED_MILLIS = 50;

  // the last listing of a channel folder (see list)
  private List<Path> listed;
  private Path listedDir;
  private long listedModified;
  private long listedAt;

  /** The handler of the {@link #await} in progress; null outside it. */
  private ChannelEventHandler handler;

  /** Probes for SO_PEERCRED (see {@link SocketPeerCredentials}) and opens the selector. */
  public SocketChannelTransport() throws IOException {
    this(SocketPeerCredentials.probe());
  }

  SocketChannelTransport(SocketPeerCredentials credentials) throws IOException {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.selector = Selector.open();
  }

  @Override
  public String description() {
    String selectorClass = selector.getClass().getName();
    return "AF_UNIX sockets, JDK selector ("
        + mechanismOf(selectorClass)
        + ": "
        + selectorClass
        + "); peer credentials by "
        + credentials.mechanism();
  }

  @Override
  public ChannelEndpoint open(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    if (!selector.isOpen()) {
      throw new IOException("cannot open " + path + ": the channel transport is closed");
    }
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.configureBlocking(false);
      connect(channel, path);
      SocketChannelEndpoint endpoint =
          new SocketChannelEndpoint(path, channel, selector, credentials.of(channel, path));
      if (log.isTraceEnabled()) {
        // the ids only: the pid is looked up when asked for, never here
        log.trace("connected to {} (peer {})", path, endpoint.peer().idsToString());
      }
      return endpoint;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void connect(SocketChannel channel, Path path) throws IOException {
    boolean connected;
    try {
      connected = channel.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      throw SocketConnectFailure.explain(path, e);
    }
    if (!connected && !channel.finishConnect()) {
      // Linux completes or refuses an AF_UNIX connect at once; waiting here would block the monitor
      throw new IOException("connection to " + path + " did not complete at once; try again later");
    }
  }

  /**
   * The folder's entries, sorted. Listed again only when the folder changed: a listing is kept with
   * the folder's modification time and reused while that time is the same and was at least {@link
   * #SETTLED_MILLIS} older than the listing (file times come from a clock that advances in ticks of
   * a few ms, so an entry made just after a listing could otherwise leave the time as it was).
   * {@code add_channels VM all} for 256 VMs in a folder of 16,384 sockets then lists it once, not
   * 256 times (each listing of 16,384 entries cost ~20 ms).
   */
  @Override
  public synchronized List<Path> list(Path dir) throws IOException {
    long modified = Files.getLastModifiedTime(dir).toMillis();
    if (listed != null
        && dir.equals(listedDir)
        && modified == listedModified
        && listedAt - modified >= SETTLED_MILLIS) {
      return listed;
    }
    long at = System.currentTimeMillis();
    List<Path> entries = ChannelTransport.super.list(dir);
    listed = entries;
    listedDir = dir;
    listedModified = modified;
    listedAt = at;
    return entries;
  }

  @Override
  public void await(long timeoutMillis, ChannelEventHandler handler) throws IOException {
    this.handler = Objects.requireNonNull(handler, "handler");
    try {
      if (timeoutMillis == 0) {
        selector.selectNow(dispatcher);
      } else if (timeoutMillis < 0) {
        selector.select(dispatcher);
      } else {
        selector.select(dispatcher, timeoutMillis);
      }
    } catch (ClosedSelectorException e) {
      throw new IOException("cannot wait for channel events: the channel transport is closed", e);
    } finally {
      this.handler = null;
    }
  }

  private void dispatch(SelectionKey key) {
    SocketChannelEndpoint endpoint = (SocketChannelEndpoint) key.attachment();
    int ready = key.readyOps();
    if ((ready & SelectionKey.OP_READ) != 0) {
      handler.onReadable(endpoint);
    }
    // the read handler may have closed the endpoint or stopped watching for writability
    if ((ready & SelectionKey.OP_WRITE) != 0
        && key.isValid()
        && (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
      handler.onWritable(endpoint);
    }
  }

  @Override
  public void wakeup() {
    selector.wakeup();
  }

  @Override
  public void close() {
    if (!selector.isOpen()) {
      return;
    }
    for (SelectionKey key : selector.keys().toArray(new SelectionKey[0])) {
      ((SocketChannelEndpoint) key.attachment()).close();
    }
    try {
      selector.close();
    } catch (IOException e) {
      log.warn("closing the channel selector failed: {}", e.toString());
    }
  }

  private static String mechanismOf(String selectorClass) {
    if (selectorClass.contains("EPoll")) {
      return "epoll";
    }
    if (selectorClass.contains("KQueue")) {
      return "kqueue";
    }
    if (selectorClass.contains("Poll")) {
      return "poll";
    }
    return "unknown mechanism";
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing a failed channel: {}", e.toString());
    }
  }
}
