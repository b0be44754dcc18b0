package io.vmpower.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The host's replies: exact layouts, at most 8 entries, and no byte left uninitialised. */
class ReplyCodecTest {
  private static final byte POISON = (byte) 0xAA;
  private static final long[] TWELVE_FREQS = {
    2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000, 1000000, 900000, 800000,
    700000
  };

  /** An output buffer full of 0xAA, as uninitialised memory might be, with {@code pos} used. */
  private static ByteBuffer poisoned(int size, int pos) {
    ByteBuffer out = ByteBuffer.allocate(size);
    Arrays.fill(out.array(), POISON);
    out.position(pos);
    return out;
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void assertNoPoison(byte[] reply) {
    for (int i = 0; i < reply.length; i++) {
      assertNotEquals(POISON, reply[i], "byte " + i + " of the reply was never written");
    }
  }

  private static byte[] randomRequest(long seed) {
    byte[] b = new byte[464];
    new Random(seed).nextBytes(b);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == POISON) {
        b[i] = 0x55; // so that a copied byte cannot pass for an unwritten one
      }
    }
    return b;
  }

  @Test
  void ackEchoesTheRequestWithCommand1AndEveryOtherByteIdentical() {
    checkEcho(true, 1);
  }

  @Test
  void nackEchoesTheRequestWithCommand2AndEveryOtherByteIdentical() {
    checkEcho(false, 2);
  }

  private static void checkEcho(boolean ack, int command) {
    byte[] request = randomRequest(42);
    ByteBuffer packets = ByteBuffer.allocate(1000).order(ByteOrder.LITTLE_ENDIAN);
    packets.put(200, request);
    ByteBuffer out = poisoned(2000, 10);

    ReplyCodec.writeAckNack(packets, 200, ack, out);

    assertEquals(10 + 464, out.position());
    byte[] reply = Arrays.copyOfRange(out.array(), 10, 474);
    assertEquals(command, le(reply).getInt(12));
    for (int i = 0; i < 464; i++) {
      if (i < 12 || i >= 16) {
        assertEquals(request[i], reply[i], "byte " + i);
      }
    }
    assertEquals(POISON, out.array()[9], "nothing written before the position");
    assertEquals(POISON, out.array()[474], "nothing written after the reply");
  }

  @Test
  void freqListIs88BytesWithTheDocumentedLayout() {
    ByteBuffer out = poisoned(300, 0);

    ReplyCodec.writeFreqList(out, 0x0102030405060708L, 0x0A0B0C0D, "vm1", TWELVE_FREQS, 3);

    assertEquals(88, out.position());
    byte[] r = Arrays.copyOf(out.array(), 88);
    ByteBuffer b = le(r);
    assertEquals(0x0102030405060708L, b.getLong(0));
    assertEquals(0x0A0B0C0D, b.getInt(8));
    assertEquals(3, b.getInt(12), "command FREQ_LIST");
    assertArrayEquals(
        Arrays.copyOf("vm1".getBytes(StandardCharsets.US_ASCII), 32),
        Arrays.copyOfRange(r, 16, 48));
    assertEquals(2600000, b.getInt(48));
    assertEquals(2400000, b.getInt(52));
    assertEquals(2200000, b.getInt(56));
    for (int at = 60; at < 80; at++) {
      assertEquals(0, r[at], "unused freq_list byte " + at);
    }
    assertEquals(3, r[80], "num_vcpu");
    for (int at = 81; at < 88; at++) {
      assertEquals(0, r[at], "padding byte " + at);
    }
    assertNoPoison(r);
    assertEquals(POISON, out.get(88), "nothing written after 88 bytes");
  }

  @Test
  void freqListCarriesAtMostEightEntries() {
    ByteBuffer out = poisoned(200, 0);

    ReplyCodec.writeFreqList(out, 0, 0, "big", TWELVE_FREQS, 12);

    byte[] r = Arrays.copyOf(out.array(), 88);
    ByteBuffer b = le(r);
    for (int i = 0; i < 8; i++) {
      assertEquals(TWELVE_FREQS[i], b.getInt(48 + 4 * i));
    }
    assertEquals(8, r[80], "num_vcpu is 8 for a 12-vCPU list");
    assertNoPoison(r);
    assertEquals(POISON, out.get(88));
  }

  @Test
  void capsListIs184BytesWithTheDocumentedLayout() {
    boolean[] turbo = new boolean[12];
    boolean[] priority = new boolean[12];
    turbo[0] = true;
    turbo[7] = true;
    turbo[9] = true;
    priority[1] = true;
    priority[11] = true;
    ByteBuffer out = poisoned(400, 16);

    ReplyCodec.writeCapsList(out, 9, 4, "vm2", turbo, priority, 12);

    assertEquals(16 + 184, out.position());
    byte[] r = Arrays.copyOfRange(out.array(), 16, 200);
    ByteBuffer b = le(r);
    assertEquals(9, b.getLong(0));
    assertEquals(4, b.getInt(8));
    assertEquals(4, b.getInt(12), "command CAPS_LIST");
    assertArrayEquals(
        Arrays.copyOf("vm2".getBytes(StandardCharsets.US_ASCII), 32),
        Arrays.copyOfRange(r, 16, 48));
    for (int i = 0; i < 8; i++) {
      assertEquals(turbo[i] ? 1 : 0, b.getLong(48 + 8 * i), "turbo " + i);
      assertEquals(priority[i] ? 1 : 0, b.getLong(112 + 8 * i), "priority " + i);
    }
    assertEquals(8, r[176], "num_vcpu");
    for (int at = 177; at < 184; at++) {
      assertEquals(0, r[at], "padding byte " + at);
    }
    assertNoPoison(r);
    assertEquals(POISON, out.get(200));
    assertEquals(POISON, out.get(15));
  }

  @Test
  void aHostNameLongerThan31BytesIsCutToFit() {
    ByteBuffer out = poisoned(88, 0);

    ReplyCodec.writeFreqList(out, 0, 0, "n".repeat(40), new long[0], 0);

    byte[] r = out.array();
    for (int at = 16; at < 47; at++) {
      assertEquals('n', r[at]);
    }
    assertEquals(0, r[47], "the name stays NUL-terminated");
    assertEquals(0, r[80]);
    assertNoPoison(r);
  }

  @Test
  void decodeReadsBackAFreqList() {
    ByteBuffer out = ByteBuffer.allocate(88);
    ReplyCodec.writeFreqList(out, 3, 0, "vm1", TWELVE_FREQS, 12);

    ReplyCodec.Reply reply = ReplyCodec.decode(out.array());

    assertEquals(Wire.FREQ_LIST, reply.command());
    assertEquals(3, reply.resourceId());
    assertEquals("vm1", reply.vmName());
    assertArrayEquals(Arrays.copyOf(TWELVE_FREQS, 8), reply.freqs());
    assertFalse(reply.isAck());
  }

  @Test
  void decodeReadsBackACapsList() {
    ByteBuffer out = ByteBuffer.allocate(184);
    ReplyCodec.writeCapsList(
        out, 1, 0, "vm1", new boolean[] {true, false}, new boolean[] {false, true}, 2);

    ReplyCodec.Reply reply = ReplyCodec.decode(out.array());

    assertEquals(Wire.CAPS_LIST, reply.command());
    assertArrayEquals(new boolean[] {true, false}, reply.turbo());
    assertArrayEquals(new boolean[] {false, true}, reply.priority());
  }

  @Test
  void decodeReadsBackAckAndNack() {
    PowerRequest request = PowerRequest.cpuPower(1, Wire.SCALE_UP);
    request.vmName = "vm1";
    ByteBuffer packet = le(PowerRequestCodec.encode(request, WireFormat.DPDK));
    ByteBuffer out = ByteBuffer.allocate(928);
    ReplyCodec.writeAckNack(packet, 0, true, out);
    ReplyCodec.writeAckNack(packet, 0, false, out);

    ReplyCodec.Reply ack = ReplyCodec.decode(Arrays.copyOfRange(out.array(), 0, 464));
    ReplyCodec.Reply nack = ReplyCodec.decode(Arrays.copyOfRange(out.array(), 464, 928));

    assertTrue(ack.isAck());
    assertTrue(nack.isNack());
    assertEquals(1, ack.resourceId());
    assertEquals(Wire.SCALE_UP, ack.unit());
    assertEquals("vm1", nack.vmName());
  }

  @Test
  void decodeRejectsWhatIsNoReply() {
    assertThrows(IllegalArgumentException.class, () -> ReplyCodec.decode(new byte[16]));
    byte[] ackSizedFreqList = new byte[464];
    ackSizedFreqList[12] = Wire.FREQ_LIST;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReplyCodec.decode(ackSizedFreqList));
    assertTrue(e.getMessage().contains("464"), e.getMessage());
  }

  @Test
  void expectedReplySizes() {
    assertEquals(0, ReplyCodec.expectedReplySize(Wire.CPU_POWER_CONNECT));
    assertEquals(464, ReplyCodec.expectedReplySize(Wire.CPU_POWER));
    assertEquals(88, ReplyCodec.expectedReplySize(Wire.QUERY_FREQ_LIST));
    assertEquals(88, ReplyCodec.expectedReplySize(Wire.QUERY_FREQ));
    assertEquals(184, ReplyCodec.expectedReplySize(Wire.QUERY_CAPS_LIST));
    assertEquals(184, ReplyCodec.expectedReplySize(Wire.QUERY_CAPS));
  }
}
