package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A host monitor for tests, as the simulated demo gives the guest: it binds an AF_UNIX listener at
 * a port path, accepts the guest (again after each hang-up), reads fixed-size requests, records
 * them and writes what its responder returns (null: nothing; CONNECT is never answered).
 */
public final class FakeKvmHost implements AutoCloseable {
  private final Path path;
  private final int requestSize;
  private final ServerSocketChannel server;
  private final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
  private final AtomicInteger hangUps = new AtomicInteger();
  private final Thread thread;
  private volatile Function<byte[], byte[]> responder;
  private volatile SocketChannel client;
  private volatile byte[] greeting;

  private FakeKvmHost(Path path, WireFormat format, Function<byte[], byte[]> responder)
      throws IOException {
    this.path = path;
    this.requestSize = format.requestSize();
    this.responder = responder;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    this.thread = new Thread(this::serve, "fake-host-" + path.getFileName());
    thread.setDaemon(true);
    thread.start();
  }

  /** Listens at {@code path} for requests of {@code format}. */
  public static FakeKvmHost listen(Path path, WireFormat format, Function<byte[], byte[]> responder)
      throws IOException {
    return new FakeKvmHost(path, format, responder);
  }

  public void respondWith(Function<byte[], byte[]> r) {
    this.responder = r;
  }

  /** Bytes written to each guest as soon as it connects, before it sends anything. */
  void greetWith(byte[] bytes) {
    this.greeting = bytes;
  }

  /** The next request the guest sent (waits up to 5 s). */
  public byte[] nextRequest() throws InterruptedException {
    byte[] r = requests.poll(5, TimeUnit.SECONDS);
    assertNotNull(r, "the guest sent no request to " + path);
    return r;
  }

  /** The next request, or null when none is waiting now. */
  byte[] pendingRequest() {
    return requests.poll();
  }

  /** Writes {@code bytes} to the connected guest. */
  void send(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      client.write(b);
    }
  }

  /** Hangs up on the guest, as a host monitor that dies does. */
  void hangUp() throws IOException {
    client.close();
  }

  /** How many times the guest closed its end. */
  int guestHangUps() {
    return hangUps.get();
  }

  private void serve() {
    try {
      while (true) {
        SocketChannel c = server.accept();
        client = c;
        byte[] g = greeting;
        if (g != null) {
          send(g);
        }
        try {
          serveOne(c);
        } catch (IOException e) {
          // the host hung up itself, or the guest went away
        }
        c.close();
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void serveOne(SocketChannel c) throws IOException {
    while (true) {
      ByteBuffer req = ByteBuffer.allocate(requestSize);
      while (req.hasRemaining()) {
        if (c.read(req) < 0) {
          hangUps.incrementAndGet();
          return;
        }
      }
      byte[] bytes = req.array();
      requests.add(bytes);
      // a host never answers CONNECT (whatever the responder would say to other commands):
      // a reply to it would be taken as the answer to the next request
      byte[] reply = command(bytes) == Wire.CPU_POWER_CONNECT ? null : responder.apply(bytes);
      if (reply != null) {
        send(reply);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    SocketChannel c = client;
    if (c != null) {
      c.close();
    }
    Files.deleteIfExists(path);
  }

  // responders and replies

  /** ACK to every CPU_POWER request; nothing else answered. */
  public static byte[] ackScale(byte[] request) {
    return command(request) == Wire.CPU_POWER ? ackNack(request, true) : null;
  }

  /** NACK to every CPU_POWER request. */
  public static byte[] nackScale(byte[] request) {
    return command(request) == Wire.CPU_POWER ? ackNack(request, false) : null;
  }

  public static byte[] ackNack(byte[] request, boolean ack) {
    ByteBuffer out = ByteBuffer.allocate(Wire.REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    ReplyCodec.writeAckNack(ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN), 0, ack, out);
    return out.array();
  }

  /** A FREQ_LIST reply listing {@code khz} from index 0, as this project's host writes it. */
  public static byte[] freqList(byte[] request, long... khz) {
    ByteBuffer out = ByteBuffer.allocate(Wire.FREQ_LIST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    ReplyCodec.writeFreqList(out, resourceId(request), 0, "host-vm", khz, khz.length);
    return out.array();
  }

  /** A CAPS_LIST reply listing entries from index 0, as this project's host writes it. */
  public static byte[] capsList(byte[] request, boolean[] turbo, boolean[] priority) {
    ByteBuffer out = ByteBuffer.allocate(Wire.CAPS_LIST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    ReplyCodec.writeCapsList(out, resourceId(request), 0, "host-vm", turbo, priority, turbo.length);
    return out.array();
  }

  /** What DPDK's host leaves in the reply bytes it does not set (its stack): not zero. */
  static final byte DPDK_UNINITIALISED = (byte) 0xA5;

  /**
   * A FREQ_LIST reply as DPDK 22.11's host (send_freq) writes it: command, num_vcpu (the VM's vCPU
   * count) and the entries from index {@code first} on (a single-vCPU query sets only the entry at
   * the vCPU's index); every other byte, resource_id, unit and vm_name included, uninitialised.
   */
  static byte[] dpdkFreqList(int numVcpu, int first, long... khz) {
    ByteBuffer out = dpdkUninitialised(Wire.FREQ_LIST_SIZE, Wire.FREQ_LIST);
    for (int i = 0; i < khz.length; i++) {
      out.putInt(Wire.OFF_REPLY_LIST + 4 * (first + i), (int) khz[i]);
    }
    out.put(Wire.OFF_FREQ_LIST_NUM_VCPU, (byte) numVcpu);
    return out.array();
  }

  /** A CAPS_LIST reply as DPDK 22.11's host (send_capabilities) writes it; see dpdkFreqList. */
  static byte[] dpdkCapsList(int numVcpu, int first, boolean[] turbo, boolean[] priority) {
    ByteBuffer out = dpdkUninitialised(Wire.CAPS_LIST_SIZE, Wire.CAPS_LIST);
    for (int i = 0; i < turbo.length; i++) {
      out.putLong(Wire.OFF_REPLY_LIST + 8 * (first + i), turbo[i] ? 1 : 0);
      out.putLong(Wire.OFF_CAPS_PRIORITY + 8 * (first + i), priority[i] ? 1 : 0);
    }
    out.put(Wire.OFF_CAPS_NUM_VCPU, (byte) numVcpu);
    return out.array();
  }

  private static ByteBuffer dpdkUninitialised(int size, int command) {
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, DPDK_UNINITIALISED);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(Wire.OFF_COMMAND, command);
  }

  public static int command(byte[] request) {
    return PowerRequestCodec.command(ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN), 0);
  }

  public static long resourceId(byte[] request) {
    return PowerRequestCodec.resourceId(ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN), 0);
  }
}
