package io.vmpower.hal.linux.channel;

import static io.vmpower.hal.linux.channel.SocketTestBytes.CURRENT;
import static io.vmpower.hal.linux.channel.SocketTestBytes.LEGACY;
import static io.vmpower.hal.linux.channel.SocketTestBytes.concat;
import static io.vmpower.hal.linux.channel.SocketTestBytes.packet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.ChannelEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The transport against real AF_UNIX sockets, with an in-process listener playing QEMU. */
@Timeout(30)
class SocketChannelTransportTest {

  @TempDir Path dir;

  private final SocketRecordingHandler handler = new SocketRecordingHandler();
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

  /** Runs the event loop until {@code done}, with a bound so a bug fails instead of hanging. */
  private void pumpUntil(String what, BooleanSupplier done) throws IOException {
    for (int i = 0; i < 1000 && !done.getAsBoolean(); i++) {
      transport.await(20, handler);
    }
    assertTrue(done.getAsBoolean(), "never happened: " + what);
  }

  @Test
  void aFolderListingIsReusedUntilTheFolderChanges() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("channels"));
    Files.createFile(folder.resolve("vm1.1"));
    Files.createFile(folder.resolve("vm1.0"));
    long settled = System.currentTimeMillis() - 10_000;
    Files.setLastModifiedTime(folder, FileTime.fromMillis(settled));

    List<Path> first = transport.list(folder);
    assertEquals(List.of(folder.resolve("vm1.0"), folder.resolve("vm1.1")), first);
    assertSame(first, transport.list(folder), "unchanged folder: the same listing");

    Files.createFile(folder.resolve("vm1.2"));
    Files.setLastModifiedTime(folder, FileTime.fromMillis(settled + 1_000));
    List<Path> second = transport.list(folder);
    assertEquals(3, second.size(), "a changed folder is listed again");
    assertSame(second, transport.list(folder));
  }

  @Test
  void aFolderChangedJustBeforeTheListingIsListedEveryTime() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("channels"));
    Files.createFile(folder.resolve("vm1.0"));
    // as if modified now: an entry made within the same tick of the file clock would not show
    Files.setLastModifiedTime(folder, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    List<Path> first = transport.list(folder);
    Files.createFile(folder.resolve("vm1.1"));
    Files.setLastModifiedTime(folder, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    assertNotSame(first, transport.list(folder));
    assertEquals(2, transport.list(folder).size());
  }

  @Test
  void readsTheBytesTheGuestWrites() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept().write(packet(1, LEGACY));

    pumpUntil("16 bytes read", () -> handler.received(endpoint).length == LEGACY);

    assertArrayEquals(packet(1, LEGACY), handler.received(endpoint));
    assertEquals(qemu.path(), endpoint.path());
    assertTrue(endpoint.isOpen());
  }

  @Test
  void coalescedAndSplitPacketsArriveByteExact() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept();
    byte[] three = concat(packet(1, LEGACY), packet(2, LEGACY), packet(3, LEGACY));
    byte[] big = packet(4, CURRENT);

    qemu.write(three);
    pumpUntil("three packets", () -> handler.received(endpoint).length == three.length);
    qemu.write(Arrays.copyOfRange(big, 0, 100));
    pumpUntil("first part", () -> handler.received(endpoint).length == three.length + 100);
    qemu.write(Arrays.copyOfRange(big, 100, CURRENT));
    pumpUntil("second part", () -> handler.received(endpoint).length == three.length + CURRENT);

    assertArrayEquals(concat(three, big), handler.received(endpoint));
  }

  @Test
  void theGuestReadsTheReply() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept();
    byte[] reply = packet(9, CURRENT);

    assertEquals(CURRENT, endpoint.write(ByteBuffer.wrap(reply)));

    assertArrayEquals(reply, qemu.readExactly(CURRENT));
  }

  @Test
  void aHangUpEndsTheStream() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept().write(packet(1, LEGACY));
    qemu.hangUp();

    pumpUntil("end of stream", () -> handler.gone(endpoint));

    assertArrayEquals(packet(1, LEGACY), handler.received(endpoint));
    assertFalse(endpoint.isOpen());
  }

  @Test
  void aResetReadsAsEndOfStream() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept();
    endpoint.write(ByteBuffer.wrap(packet(1, LEGACY)));
    qemu.hangUp(); // with our bytes unread: the kernel resets the connection (ECONNRESET)

    ByteBuffer buffer = ByteBuffer.allocate(LEGACY);
    assertEquals(-1, endpoint.read(buffer));
    assertEquals(-1, endpoint.read(buffer));
  }

  @Test
  void reopensAfterTheListenerBindsAgain() throws IOException {
    Path path = dir.resolve("vm1.0");
    SocketQemuListener first = listen("vm1.0");
    ChannelEndpoint old = transport.open(path);
    first.accept();
    first.close();
    pumpUntil("old connection ends", () -> handler.gone(old));
    Files.delete(path); // what QEMU does when it starts again
    SocketQemuListener second = listen("vm1.0");

    ChannelEndpoint endpoint = transport.open(path);
    second.accept().write(packet(2, LEGACY));

    pumpUntil("bytes on the new connection", () -> handler.received(endpoint).length == LEGACY);
    assertArrayEquals(packet(2, LEGACY), handler.received(endpoint));
  }

  @Test
  void watchesWritabilityOnlyWhenAsked() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept();

    transport.await(0, handler);
    assertTrue(handler.writable.isEmpty());

    endpoint.watchWritable(true);
    pumpUntil("writable", () -> handler.writable.contains(endpoint));

    endpoint.watchWritable(false);
    handler.writable.clear();
    transport.await(0, handler);
    assertTrue(handler.writable.isEmpty());
  }

  @Test
  void aGuestThatNeverReadsCannotBlockWrites() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept();
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long written = 0;
    int last = -1;
    for (int i = 0; i < 1000 && last != 0; i++) {
      last = endpoint.write(chunk.clear());
      written += last;
    }
    assertEquals(0, last, "the socket never filled up after " + written + " bytes");

    endpoint.watchWritable(true);
    transport.await(0, handler);
    assertTrue(handler.writable.isEmpty(), "writable while full");

    long drained = 0;
    while (drained < written) {
      drained += qemu.drain(64 * 1024);
    }
    pumpUntil("writable once the guest read", () -> handler.writable.contains(endpoint));
  }

  @Test
  void aClosedEndpointGetsNoMoreEvents() throws IOException {
    SocketQemuListener qemu = listen("vm1.0");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    qemu.accept();

    endpoint.close();
    endpoint.close();
    endpoint.watchWritable(true);
    qemu.write(packet(1, LEGACY));
    transport.await(0, handler);

    assertFalse(endpoint.isOpen());
    assertEquals(0, handler.readableEvents);
    assertTrue(handler.writable.isEmpty());
    assertTrue(qemu.hostClosed(), "the guest sees end of stream");
  }

  @Test
  void eventsCarryTheAttachedEndpoint() throws IOException {
    SocketQemuListener qemu = listen("vm2.3");
    ChannelEndpoint endpoint = transport.open(qemu.path());
    Object channel = new Object();
    endpoint.attach(channel);
    List<Object> seen = new ArrayList<>();
    SocketRecordingHandler attachments =
        new SocketRecordingHandler() {
          @Override
          public void onReadable(ChannelEndpoint e) {
            seen.add(e.attachment());
            super.onReadable(e);
          }
        };
    qemu.accept().write(packet(1, LEGACY));

    for (int i = 0; i < 1000 && seen.isEmpty(); i++) {
      transport.await(20, attachments);
    }

    assertEquals(List.of(channel), seen.subList(0, 1));
    assertSame(channel, endpoint.attachment());
  }

  @Test
  void closeClosesEveryEndpointAndTheTransport() throws IOException {
    SocketQemuListener a = listen("vm1.0");
    SocketQemuListener b = listen("vm1.1");
    ChannelEndpoint first = transport.open(a.path());
    ChannelEndpoint second = transport.open(b.path());
    a.accept();
    b.accept();

    transport.close();
    transport.close();

    assertFalse(first.isOpen());
    assertFalse(second.isOpen());
    assertTrue(a.hostClosed());
    assertTrue(b.hostClosed());
    IOException awaiting = assertThrows(IOException.class, () -> transport.await(0, handler));
    assertTrue(awaiting.getMessage().contains("transport is closed"), awaiting.getMessage());
    IOException opening = assertThrows(IOException.class, () -> transport.open(a.path()));
    assertTrue(opening.getMessage().contains("transport is closed"), opening.getMessage());
  }

  @Test
  void usesTheEpollSelector() {
    assertTrue(
        transport.description().startsWith("AF_UNIX sockets, JDK selector (epoll: "),
        transport.description());
    assertTrue(transport.description().contains("EPollSelectorImpl"), transport.description());
  }
}
