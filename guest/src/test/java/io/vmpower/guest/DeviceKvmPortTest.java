package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A FIFO stands in for a character device: it blocks reads like a real virtio-serial port. */
class DeviceKvmPortTest {
  @TempDir Path dir;

  static Path mkfifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertEquals(0, p.waitFor(), "mkfifo " + path);
    return path;
  }

  @Test
  void aFifoOpensAsADeviceAndARegularFileIsRefused() throws Exception {
    Path fifo = mkfifo(dir.resolve("port.0"));
    try (KvmPort port = KvmPort.open(fifo)) {
      assertInstanceOf(DeviceKvmPort.class, port);
      assertFalse(port.endOfFileIsFinal());
    }
    Path plain = Files.createFile(dir.resolve("port.1"));
    IOException e = assertThrows(IOException.class, () -> KvmPort.open(plain));
    assertTrue(e.getMessage().contains("neither a character device nor a socket"));
  }

  @Test
  @Timeout(10)
  void aWriteReachesAReaderBlockedOnTheSameDescriptor() throws Exception {
    // one FileChannel would deadlock here: its read holds the lock its write needs
    try (KvmPort port = KvmPort.open(mkfifo(dir.resolve("port.0")))) {
      CompletableFuture<byte[]> read =
          CompletableFuture.supplyAsync(
              () -> {
                ByteBuffer b = ByteBuffer.allocate(4);
                try {
                  while (b.hasRemaining()) {
                    port.read(b);
                  }
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
                return b.array();
              });
      port.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));

      assertArrayEquals(new byte[] {1, 2, 3, 4}, read.get());
    }
  }

  @Test
  @Timeout(10)
  void closingEndsABlockedRead() throws Exception {
    KvmPort port = KvmPort.open(mkfifo(dir.resolve("port.0")));
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return port.read(ByteBuffer.allocate(16));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    await(read);

    port.close();

    ExecutionException e = assertThrows(ExecutionException.class, read::get);
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  /** Waits until the future's thread is (very likely) blocked in the read. */
  private static void await(CompletableFuture<?> f) throws InterruptedException {
    for (int i = 0; i < 20 && !f.isDone(); i++) {
      Thread.sleep(10);
    }
    assertFalse(f.isDone(), "the read returned without data");
  }
}
