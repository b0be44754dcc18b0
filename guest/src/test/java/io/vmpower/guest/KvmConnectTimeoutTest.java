package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmpower.core.cpu.CpuSet;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real virtio-serial port blocks writes while no host is attached. A FIFO whose buffer is full
 * blocks writes the same way, and it is a device, not a socket, to the library.
 */
class KvmConnectTimeoutTest {
  @Test
  @Timeout(20)
  void initGivesUpAfterTheConnectTimeoutWhenTheConnectWriteBlocks(@TempDir Path dir)
      throws Exception {
    Path prefix = dir.resolve("virtio.serial.port.poweragent");
    Path fifo = DeviceKvmPortTest.mkfifo(KvmPorts.path(prefix, 0));
    PowerLibraryConfig config =
        PowerLibraryConfig.builder()
            .portPrefix(prefix)
            .sysfsRoot(dir.resolve("sys"))
            .connectTimeout(Duration.ofMillis(300))
            .build();
    // opened read-write, so that opening does not wait for a reader; 64 KiB fill the pipe
    try (RandomAccessFile filler = new RandomAccessFile(fifo.toFile(), "rw");
        PowerLibrary lib =
            new AutoPowerLibrary(
                config,
                root -> {
                  throw new AssertionError("no cpufreq here");
                })) {
      filler.write(new byte[65536]);

      PowerLibraryException e = assertThrows(PowerLibraryException.class, () -> lib.init(0));

      assertEquals(
          "no host attached to "
              + fifo
              + " after 300 ms: is the host monitor running and the channel added with"
              + " add_channels?",
          e.getMessage());
      assertEquals(CpuSet.empty(), lib.lcores());
      assertEquals(Environment.VM, lib.environment(), "a FIFO port means a VM");
    }
  }
}
