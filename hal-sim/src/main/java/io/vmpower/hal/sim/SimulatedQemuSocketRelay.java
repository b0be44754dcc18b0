package io.vmpower.hal.sim;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel of {@link SimulatedQemuSockets}: a listening host socket and a listening guest
 * socket, at most one client on each (as QEMU serves one), and the bytes in flight between them.
 * Used on the selector thread only.
 */
final class SimulatedQemuSocketRelay {
  private static final Logger log = LoggerFactory.getLogger(SimulatedQemuSocketRelay.class);
  static final int BUFFER_BYTES = 64 * 1024;

  enum Role {
    HOST_SERVER,
    GUEST_SERVER,
    HOST,
    GUEST
  }

  /** What a selection key stands for. */
  record Handle(SimulatedQemuSocketRelay relay, Role role) {}

  final String vm;
  final int number;
  final Path hostPath;
  final Path guestPath;
  private ServerSocketChannel hostServer;
  private ServerSocketChannel guestServer;
  private SocketChannel hostConn;
  private SocketChannel guestConn;
  private SelectionKey hostServerKey;
  private SelectionKey guestServerKey;
  private SelectionKey hostKey;
  private SelectionKey guestKey;
  // both in fill mode: position() bytes are waiting
  private final ByteBuffer toHost = ByteBuffer.allocate(BUFFER_BYTES);
  private final ByteBuffer toGuest = ByteBuffer.allocate(BUFFER_BYTES);

  SimulatedQemuSocketRelay(String vm, int number, Path hostPath, Path guestPath) {
    this.vm = vm;
    this.number = number;
    this.hostPath = hostPath;
    this.guestPath = guestPath;
  }

  /** Binds and listens on both sockets (replacing stale files, as QEMU does). */
  void bind(Selector selector) throws IOException {
    try {
      hostServer = listen(hostPath);
      hostServerKey =
          hostServer.register(selector, SelectionKey.OP_ACCEPT, new Handle(this, Role.HOST_SERVER));
      guestServer = listen(guestPath);
      guestServerKey =
          guestServer.register(
              selector, SelectionKey.OP_ACCEPT, new Handle(this, Role.GUEST_SERVER));
    } catch (IOException e) {
      close();
      throw new IOException("cannot listen on " + hostPath + " or " + guestPath + ": " + e, e);
    }
  }

  boolean hostConnected() {
    return hostConn != null;
  }

  boolean guestConnected() {
    return guestConn != null;
  }

  /** Handles a ready key of this relay. */
  void handle(SelectionKey key, Role role) {
    Selector selector = key.selector();
    try {
      switch (role) {
        case HOST_SERVER -> {
          SocketChannel c = hostServer.accept();
          if (c != null) {
            c.configureBlocking(false);
            hostConn = c;
            hostKey = c.register(selector, 0, new Handle(this, Role.HOST));
            log.debug("host client connected to {}", hostPath);
          }
        }
        case GUEST_SERVER -> {
          SocketChannel c = guestServer.accept();
          if (c != null) {
            c.configureBlocking(false);
            guestConn = c;
            guestKey = c.register(selector, 0, new Handle(this, Role.GUEST));
            log.debug("guest connected to {}", guestPath);
          }
        }
        case HOST -> {
          if (key.isReadable() && hostConn.read(toGuest) < 0) {
            dropHost();
          }
        }
        case GUEST -> {
          if (key.isReadable() && guestConn.read(toHost) < 0) {
            dropGuest(); // the host sees nothing when the guest closes its port
          }
        }
      }
    } catch (IOException e) {
      log.debug("{} of {}.{} failed: {}", role, vm, number, e.toString());
      if (role == Role.HOST) {
        dropHost();
      } else if (role == Role.GUEST) {
        dropGuest();
      }
    }
    pump();
  }

  /** Closes the host client's connection; the socket keeps listening for the next one. */
  void hangUpHost() {
    dropHost();
    pump();
  }

  /** Closes everything and removes both socket files. */
  void close() {
    closeQuietly(hostConn);
    closeQuietly(guestConn);
    closeQuietly(hostServer);
    closeQuietly(guestServer);
    hostConn = null;
    guestConn = null;
    toHost.clear();
    toGuest.clear();
    deleteQuietly(hostPath);
    deleteQuietly(guestPath);
  }

  /** Moves what it can, then sets the interest of every key. */
  private void pump() {
    if (hostConn != null && toHost.position() > 0 && !flush(toHost, hostConn)) {
      dropHost();
    }
    if (guestConn != null && toGuest.position() > 0 && !flush(toGuest, guestConn)) {
      dropGuest();
    }
    setInterest(hostServerKey, hostConn == null ? SelectionKey.OP_ACCEPT : 0);
    setInterest(guestServerKey, guestConn == null ? SelectionKey.OP_ACCEPT : 0);
    if (hostConn != null) {
      setInterest(hostKey, ops(toGuest.hasRemaining(), toHost.position() > 0));
    }
    if (guestConn != null) {
      setInterest(guestKey, ops(toHost.hasRemaining(), toGuest.position() > 0));
    }
  }

  private static int ops(boolean read, boolean write) {
    return (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
  }

  private static void setInterest(SelectionKey key, int ops) {
    if (key != null && key.isValid()) {
      key.interestOps(ops);
    }
  }

  /** Writes what the peer takes; false when the connection failed. */
  private boolean flush(ByteBuffer buf, SocketChannel to) {
    buf.flip();
    try {
      to.write(buf);
      return true;
    } catch (IOException e) {
      log.debug("write to {}.{} failed: {}", vm, number, e.toString());
      return false;
    } finally {
      buf.compact();
    }
  }

  private void dropHost() {
    closeQuietly(hostConn); // bytes the host never read are lost, as with QEMU
    hostConn = null;
    hostKey = null;
  }

  private void dropGuest() {
    closeQuietly(guestConn);
    guestConn = null;
    guestKey = null;
  }

  private static ServerSocketChannel listen(Path path) throws IOException {
    Files.deleteIfExists(path);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(path));
      s.configureBlocking(false);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static void closeQuietly(Channel c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      log.debug("close failed: {}", e.toString());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot remove socket {}: {}", p, e.toString());
    }
  }
}
