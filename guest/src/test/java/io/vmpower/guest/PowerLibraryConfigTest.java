package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmpower.core.wire.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerLibraryConfigTest {
  @Test
  void defaults(@TempDir Path dir) throws IOException {
    Path hostname = Files.writeString(dir.resolve("hostname"), "guest-1\n");

    PowerLibraryConfig c = PowerLibraryConfig.builder().hostnameFile(hostname).build();

    assertEquals(Environment.AUTO, c.environment());
    assertEquals(Path.of("/dev/virtio-ports/virtio.serial.port.poweragent"), c.portPrefix());
    assertEquals(Path.of("/sys"), c.sysfsRoot());
    assertEquals(WireFormat.DPDK, c.wireFormat());
    assertEquals("guest-1", c.vmName());
    assertEquals(Duration.ofSeconds(1), c.replyTimeout());
    assertEquals(Duration.ofSeconds(2), c.connectTimeout());
    assertEquals("2 s", PowerLibraryConfig.describe(c.connectTimeout()));
    assertEquals("1500 ms", PowerLibraryConfig.describe(Duration.ofMillis(1500)));
  }

  @Test
  void aLongHostNameIsCutTo31BytesAtACharacterBoundary(@TempDir Path dir) throws IOException {
    String name = "a".repeat(30) + "é" + "tail";
    Path hostname = Files.writeString(dir.resolve("hostname"), name, StandardCharsets.UTF_8);

    String vm = PowerLibraryConfig.builder().hostnameFile(hostname).build().vmName();

    assertEquals("a".repeat(30), vm, "é takes two bytes: it does not fit in the 31st");
  }

  @Test
  void anExplicitVmNameMustFit() {
    assertEquals("vm1", PowerLibraryConfig.builder().vmName("vm1").build().vmName());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PowerLibraryConfig.builder().vmName("x".repeat(32)));
    assertEquals(
        "vm name '" + "x".repeat(32) + "' is 32 bytes; at most 31 fit the packet", e.getMessage());
  }

  @Test
  void timeoutsMustBePositiveAndThePrefixAFolderAndAName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PowerLibraryConfig.builder().replyTimeout(Duration.ZERO));
    assertEquals("reply timeout 0 ms is not positive: give at least 1 ms", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PowerLibraryConfig.builder().connectTimeout(Duration.ofMillis(-5)));
    assertThrows(
        IllegalArgumentException.class,
        () -> PowerLibraryConfig.builder().portPrefix(Path.of("/")));
  }
}
