package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReplyQueueTest {
  private static long in(long ms) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  void peekCopiesWithoutTakingAndSkipTakes() throws InterruptedException {
    ReplyQueue q = new ReplyQueue(8);
    q.put(new byte[] {1, 2, 3, 4, 5}, 0, 5);
    byte[] dst = new byte[3];

    assertEquals(ReplyQueue.Outcome.TAKEN, q.peek(dst, 3, in(10)));
    assertArrayEquals(new byte[] {1, 2, 3}, dst);
    q.skip(2);
    assertEquals(ReplyQueue.Outcome.TAKEN, q.peek(dst, 3, in(10)));
    assertArrayEquals(new byte[] {3, 4, 5}, dst);
    assertEquals(3, q.size());
  }

  @Test
  void peekWaitsForEnoughBytesUntilItsDeadline() throws InterruptedException {
    ReplyQueue q = new ReplyQueue(8);
    q.put(new byte[] {1}, 0, 1);

    assertEquals(ReplyQueue.Outcome.TIMED_OUT, q.peek(new byte[2], 2, in(20)));
    assertEquals(1, q.size(), "a timed-out peek leaves the bytes");
  }

  @Test
  @Timeout(10)
  void aFullQueueBlocksItsWriterUntilBytesAreDiscarded() throws Exception {
    ReplyQueue q = new ReplyQueue(4);
    q.put(new byte[] {1, 2, 3, 4}, 0, 4);
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                q.put(new byte[] {9, 8}, 0, 2);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    assertEquals(4, q.discard());
    writer.get();
    byte[] dst = new byte[2];
    assertEquals(ReplyQueue.Outcome.TAKEN, q.peek(dst, 2, in(10)));
    assertArrayEquals(new byte[] {9, 8}, dst);
  }

  @Test
  void wrapsAroundItsEnd() throws InterruptedException {
    ReplyQueue q = new ReplyQueue(4);
    q.put(new byte[] {1, 2, 3}, 0, 3);
    q.skip(3);
    q.put(new byte[] {4, 5, 6}, 0, 3);
    byte[] dst = new byte[3];

    assertEquals(ReplyQueue.Outcome.TAKEN, q.peek(dst, 3, in(10)));
    assertArrayEquals(new byte[] {4, 5, 6}, dst);
  }

  @Test
  void endWakesWaitersAndDropsLaterBytes() throws InterruptedException {
    ReplyQueue q = new ReplyQueue(4);
    assertNull(q.endReason());
    q.end("gone");
    q.put(new byte[] {1}, 0, 1);

    assertEquals(ReplyQueue.Outcome.ENDED, q.peek(new byte[1], 1, in(10_000)));
    assertEquals("gone", q.endReason());
    assertEquals(0, q.size());
  }
}
