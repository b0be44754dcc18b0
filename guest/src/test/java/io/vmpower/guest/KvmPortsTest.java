package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.cpu.CpuSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvmPortsTest {
  @Test
  void thePortOfAnLcoreIsThePrefixDotTheLcore() {
    assertEquals(
        Path.of("/dev/virtio-ports/virtio.serial.port.poweragent.12"),
        KvmPorts.path(Path.of(PowerLibraryConfig.DEFAULT_PORT_PREFIX), 12));
  }

  @Test
  void listsTheLcoresThatHaveAPortAndNothingElse(@TempDir Path dir) throws IOException {
    Path prefix = dir.resolve("virtio.serial.port.poweragent");
    for (String name :
        new String[] {
          "virtio.serial.port.poweragent.0",
          "virtio.serial.port.poweragent.2",
          "virtio.serial.port.poweragent.10",
          "virtio.serial.port.poweragent.x",
          "virtio.serial.port.poweragent.01",
          "virtio.serial.port.poweragent.",
          "virtio.serial.port.other.3"
        }) {
      Files.createFile(dir.resolve(name));
    }
    Files.createSymbolicLink(
        dir.resolve("virtio.serial.port.poweragent.5"), dir.resolve("no-such-device"));

    assertEquals(CpuSet.of(0, 2, 10), KvmPorts.list(prefix));
  }

  @Test
  void aMissingFolderHasNoPorts(@TempDir Path dir) {
    assertEquals(CpuSet.empty(), KvmPorts.list(dir.resolve("none/virtio.serial.port.poweragent")));
  }
}
