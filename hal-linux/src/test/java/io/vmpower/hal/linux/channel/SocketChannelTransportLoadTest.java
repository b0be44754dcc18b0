package io.vmpower.hal.linux.channel;

import static io.vmpower.hal.linux.channel.SocketTestBytes.LEGACY;
import static io.vmpower.hal.linux.channel.SocketTestBytes.packet;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelEventHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many channels, a quiet loop that sleeps, and a steady state that does not allocate. */
@Timeout(60)
class SocketChannelTransportLoadTest {

  @TempDir Path dir;

  private final List<SocketQemuListener> listeners = new ArrayList<>();
  private SocketChannelTransport transport;

  @BeforeEach
  void openTransport() throws IOException {
    transport = new SocketChannelTransport();
  }

  @AfterEach
  void closeAll() throws IOException {
    transport.close();
    for (SocketQemuListener listener : listeners) {
      listener.close();
    }
  }

  private SocketQemuListener listen(String name) throws IOException {
    SocketQemuListener listener = new SocketQemuListener(dir.resolve(name));
    listeners.add(listener);
    return listener;
  }

  @Test
  void aThousandChannelsEachDeliverTheirPacket() throws IOException {
    int count = 1000;
    // each channel costs three descriptors here: listener, accepted guest end, host end
    long maxFds =
        ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getMaxFileDescriptorCount();
    assertTrue(maxFds >= 3L * count + 200, "this test needs ulimit -n of at least 3200: " + maxFds);
    List<ChannelEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // 64 channels per VM, as a 64-lcore guest would have
      endpoints.add(transport.open(listen("vm" + i / 64 + "." + i % 64).path()));
    }
    for (int i = 0; i < count; i++) {
      listeners.get(i).accept().write(packet(i, LEGACY));
    }
    SocketRecordingHandler handler = new SocketRecordingHandler();

    for (int round = 0; round < 1000 && handler.reads < count; round++) {
      transport.await(20, handler);
    }

    for (int i = 0; i < count; i++) {
      assertArrayEquals(packet(i, LEGACY), handler.received(endpoints.get(i)), "channel " + i);
    }
  }

  @Test
  void aQuietLoopSleepsUntilWokenUp() throws Exception {
    SocketQemuListener qemu = listen("vm1.0");
    transport.open(qemu.path());
    qemu.accept(); // connected, but the guest says nothing
    SocketRecordingHandler handler = new SocketRecordingHandler();
    AtomicInteger returns = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread monitor =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  transport.await(-1, handler);
                  returns.incrementAndGet();
                }
              } catch (IOException | RuntimeException e) {
                failure.set(e);
              }
            },
            "monitor");
    monitor.start();

    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> returns.get() == 0);
    transport.wakeup();
    await().atMost(Duration.ofSeconds(5)).until(() -> returns.get() == 1);
    // a spinning loop would count many returns here
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> returns.get() == 1);
    stop.set(true);
    transport.wakeup();
    monitor.join(5000);

    assertNull(failure.get());
    assertEquals(2, returns.get());
    assertEquals(0, handler.readableEvents);
  }

  /** Reads each event's bytes into one direct buffer: the shape of the monitor's loop. */
  private static final class CountingReader implements ChannelEventHandler {
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(LEGACY);
    long bytes;

    @Override
    public void onReadable(ChannelEndpoint endpoint) {
      try {
        int n = endpoint.read(buffer.clear());
        bytes += Math.max(n, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void onWritable(ChannelEndpoint endpoint) {}

    @Override
    public void onHangUp(ChannelEndpoint endpoint) {}
  }

  @Test
  void theSteadyStateDoesNotAllocatePerEvent() throws IOException {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertTrue(threads.isThreadAllocatedMemoryEnabled(), "allocation counting is off in this JVM");
    SocketQemuListener qemu = listen("vm1.0");
    transport.open(qemu.path());
    SocketChannel guest = qemu.accept().guest();
    ByteBuffer request = ByteBuffer.allocateDirect(LEGACY);
    CountingReader reader = new CountingReader();
    int warmUp = 5_000;
    int measured = 10_000;

    for (int i = 0; i < warmUp; i++) {
      guest.write(request.clear());
      transport.await(-1, reader);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < measured; i++) {
      guest.write(request.clear());
      transport.await(-1, reader);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertEquals((long) (warmUp + measured) * LEGACY, reader.bytes);
    // one object per event would be at least 16 bytes x 10,000 = 160 KB
    assertTrue(allocated < 16 * 1024, allocated + " bytes allocated for " + measured + " events");
  }
}
