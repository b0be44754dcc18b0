package io.vmpower.hal.linux.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** open() says why nothing can be attached, and leaves the transport usable. */
@Timeout(30)
class SocketChannelTransportOpenFailureTest {

  @TempDir Path dir;

  private SocketChannelTransport transport;

  @BeforeEach
  void openTransport() throws IOException {
    transport = new SocketChannelTransport();
  }

  @AfterEach
  void closeTransport() {
    transport.close();
  }

  private String failureOf(Path path) {
    return assertThrows(IOException.class, () -> transport.open(path)).getMessage();
  }

  @Test
  void noSocketFile() {
    Path path = dir.resolve("vm1.0");

    assertEquals("no socket at " + path, failureOf(path));
  }

  @Test
  void aSocketNobodyListensOn() throws IOException {
    Path path = dir.resolve("vm1.0");
    new SocketQemuListener(path).close(); // QEMU died: the file stays

    assertEquals(
        "connection refused at " + path + ": nothing listens (is the VM running?)",
        failureOf(path));
  }

  @Test
  void aRegularFile() throws IOException {
    Path path = Files.writeString(dir.resolve("vm1.0"), "not a socket");

    assertEquals(
        "not a socket: " + path + " is a regular file; expected a QEMU channel socket",
        failureOf(path));
  }

  @Test
  void aDirectory() throws IOException {
    Path path = Files.createDirectory(dir.resolve("vm1.0"));

    assertEquals(
        "not a socket: " + path + " is a directory; expected a QEMU channel socket",
        failureOf(path));
  }

  @Test
  void theTransportStillWorksAfterAFailure() throws IOException {
    Path path = dir.resolve("vm1.0");
    failureOf(path);

    try (SocketQemuListener qemu = new SocketQemuListener(path)) {
      transport.open(path);
      qemu.accept();
    }
  }
}
