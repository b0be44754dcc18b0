package io.vmpower.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ReassemblerTest {
  private static final int SIZE = 464;

  private static byte[] packets(int n, long seed) {
    byte[] b = new byte[n * SIZE];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] packetAt(Reassembler r, int i) {
    byte[] p = new byte[r.packetSize()];
    r.packets().get(r.offset(i), p);
    return p;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  @Test
  void aPacketSplitAtAnyOffsetIsCompletedByTheNextRead() {
    byte[] packet = packets(1, 1);
    Reassembler r = new Reassembler(SIZE, 4);
    for (int cut = 1; cut < SIZE; cut++) {
      r.reset();

      r.readBuffer().put(packet, 0, cut);
      assertEquals(0, r.completePackets(), "cut at " + cut);
      assertEquals(cut, r.bufferedBytes());

      r.readBuffer().put(packet, cut, SIZE - cut);
      assertEquals(1, r.completePackets(), "cut at " + cut);
      assertArrayEquals(packet, packetAt(r, 0), "cut at " + cut);
    }
  }

  @Test
  void threePacketsInOneReadAreAllThere() {
    byte[] three = packets(3, 2);
    Reassembler r = new Reassembler(SIZE, 4);

    r.readBuffer().put(three);

    assertEquals(3, r.completePackets());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(slice(three, i * SIZE, (i + 1) * SIZE), packetAt(r, i));
    }
  }

  @Test
  void twoAndAHalfPacketsThenTheRest() {
    byte[] three = packets(3, 3);
    int half = 2 * SIZE + SIZE / 2;
    Reassembler r = new Reassembler(SIZE, 4);

    r.readBuffer().put(three, 0, half);
    assertEquals(2, r.completePackets());
    assertArrayEquals(slice(three, 0, SIZE), packetAt(r, 0));
    assertArrayEquals(slice(three, SIZE, 2 * SIZE), packetAt(r, 1));
    r.consume(2);
    assertEquals(SIZE / 2, r.bufferedBytes());

    r.readBuffer().put(three, half, three.length - half);
    assertEquals(1, r.completePackets());
    assertArrayEquals(slice(three, 2 * SIZE, 3 * SIZE), packetAt(r, 0));
  }

  @Test
  void aFullBufferTakesNothingFromARead() throws IOException {
    byte[] five = packets(5, 4);
    ReadableByteChannel source = Channels.newChannel(new ByteArrayInputStream(five));
    Reassembler r = new Reassembler(SIZE, 2);

    int first = source.read(r.readBuffer());
    assertEquals(2 * SIZE, first, "one read is bounded by the capacity");
    assertTrue(r.isFull());

    assertEquals(0, source.read(r.readBuffer()), "a full buffer takes nothing");
    assertEquals(2, r.completePackets());

    r.consume(2);
    assertFalse(r.isFull());
    assertEquals(2 * SIZE, source.read(r.readBuffer()));
    assertArrayEquals(slice(five, 2 * SIZE, 3 * SIZE), packetAt(r, 0));
  }

  @Test
  void consumeKeepsAPartialPacket() {
    byte[] two = packets(2, 5);
    Reassembler r = new Reassembler(SIZE, 3);
    r.readBuffer().put(two, 0, SIZE + 100);

    r.consume(1);

    assertEquals(0, r.completePackets());
    assertEquals(100, r.bufferedBytes());
    r.readBuffer().put(two, SIZE + 100, SIZE - 100);
    assertArrayEquals(slice(two, SIZE, 2 * SIZE), packetAt(r, 0));
  }

  @Test
  void oneReassemblerServesTwoStreamsByKeepingEachOnesPartialPacket() {
    byte[] a = packets(2, 9);
    byte[] b = packets(1, 10);
    Reassembler r = new Reassembler(SIZE, 3);
    byte[] keptA = new byte[SIZE];
    byte[] keptB = new byte[SIZE];

    r.restore(null, 0);
    r.readBuffer().put(a, 0, SIZE + 150);
    assertArrayEquals(slice(a, 0, SIZE), packetAt(r, 0));
    r.consume(1);
    int lengthA = r.copyBuffered(keptA);
    assertEquals(150, lengthA);

    r.restore(null, 0);
    r.readBuffer().put(b, 0, 300);
    assertEquals(0, r.completePackets());
    int lengthB = r.copyBuffered(keptB);
    assertEquals(300, lengthB);

    r.restore(keptA, lengthA);
    r.readBuffer().put(a, SIZE + 150, SIZE - 150);
    assertEquals(1, r.completePackets());
    assertArrayEquals(slice(a, SIZE, 2 * SIZE), packetAt(r, 0));

    r.restore(keptB, lengthB);
    r.readBuffer().put(b, 300, SIZE - 300);
    assertEquals(1, r.completePackets());
    assertArrayEquals(b, packetAt(r, 0));
  }

  @Test
  void restoreTakesOnlyAnIncompletePacket() {
    Reassembler r = new Reassembler(SIZE, 3);
    r.readBuffer().put(packets(1, 11), 0, 10);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> r.restore(new byte[SIZE], SIZE));
    assertTrue(e.getMessage().contains("0 to 463"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.restore(new byte[SIZE], -1));
    assertEquals(10, r.bufferedBytes(), "nothing changed");
  }

  @Test
  void consumeOfMoreThanIsCompleteIsRefused() {
    Reassembler r = new Reassembler(SIZE, 3);
    r.readBuffer().put(packets(1, 6), 0, SIZE - 1);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.consume(1));
    assertTrue(e.getMessage().contains("cannot consume 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.consume(-1));
    assertEquals(SIZE - 1, r.bufferedBytes(), "nothing changed");
  }

  @Test
  void resetForgetsEverything() {
    Reassembler r = new Reassembler(SIZE, 3);
    r.readBuffer().put(packets(2, 7), 0, SIZE + 10);

    r.reset();

    assertEquals(0, r.bufferedBytes());
    assertEquals(0, r.completePackets());
    byte[] fresh = packets(1, 8);
    r.readBuffer().put(fresh);
    assertArrayEquals(fresh, packetAt(r, 0));
  }

  @Test
  void badSizesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Reassembler(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Reassembler(16, 0));
  }

  /** Whatever the cuts, the packets come out whole and in order, and nothing else does. */
  @Property
  void anyStreamCutIntoAnyChunksYieldsExactlyThePackets(
      @ForAll @IntRange(min = 0, max = 12) int count,
      @ForAll @IntRange(min = 1, max = 4) int capacity,
      @ForAll @Size(max = 40) List<@IntRange(min = 1, max = 120) Integer> cuts,
      @ForAll long seed) {
    int size = 16;
    byte[] stream = new byte[count * size];
    new Random(seed).nextBytes(stream);
    Reassembler r = new Reassembler(size, capacity);
    List<byte[]> out = new ArrayList<>();

    int at = 0;
    int c = 0;
    while (at < stream.length) {
      int chunkEnd = Math.min(stream.length, at + (c < cuts.size() ? cuts.get(c++) : 7));
      while (at < chunkEnd) {
        int n = Math.min(chunkEnd - at, r.readBuffer().remaining());
        r.readBuffer().put(stream, at, n);
        at += n;
        int complete = r.completePackets();
        for (int i = 0; i < complete; i++) {
          byte[] p = new byte[size];
          r.packets().get(r.offset(i), p);
          out.add(p);
        }
        r.consume(complete);
      }
    }

    assertEquals(count, out.size());
    for (int i = 0; i < count; i++) {
      assertArrayEquals(slice(stream, i * size, (i + 1) * size), out.get(i), "packet " + i);
    }
    assertEquals(0, r.bufferedBytes());
  }
}
