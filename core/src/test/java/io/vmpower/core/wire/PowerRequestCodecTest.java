package io.vmpower.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Byte-exact checks of the request layouts against the table in docs/wire-protocol.md. */
class PowerRequestCodecTest {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** Asserts that {@code actual} holds {@code expected} at {@code offset} and zero elsewhere. */
  private static void assertOnly(byte[] actual, int offset, byte[] expected) {
    for (int i = 0; i < actual.length; i++) {
      int j = i - offset;
      byte want = j >= 0 && j < expected.length ? expected[j] : 0;
      assertEquals(want, actual[i], "byte " + i);
    }
  }

  private static byte[] encodeWith(Consumer<PowerRequest> set) {
    PowerRequest r = new PowerRequest();
    set.accept(r);
    return PowerRequestCodec.encode(r, WireFormat.DPDK);
  }

  @Test
  void scaleUpOfLcore1IsTheHeadThen448ZeroBytes() {
    byte[] b = PowerRequestCodec.encode(PowerRequest.cpuPower(1, Wire.SCALE_UP), WireFormat.DPDK);

    assertEquals(464, b.length);
    assertArrayEquals(hex("0100000000000000 01000000 01000000"), Arrays.copyOf(b, 16));
    assertArrayEquals(new byte[448], Arrays.copyOfRange(b, 16, 464));
  }

  @Test
  void legacyFormIsTheSixteenByteHeadOnly() {
    PowerRequest r = PowerRequest.cpuPower(3, Wire.SCALE_DOWN);
    r.vmName = "ignored";
    r.physicalCore = true;

    byte[] b = PowerRequestCodec.encode(r, WireFormat.LEGACY);

    assertArrayEquals(hex("0300000000000000 02000000 01000000"), b);
  }

  @Test
  void resourceIdIsAU64AtOffset0() {
    assertOnly(encodeWith(r -> r.resourceId = 0x0102030405060708L), 0, hex("0807060504030201"));
  }

  @Test
  void unitIsAU32AtOffset8() {
    assertOnly(encodeWith(r -> r.unit = 0x11223344), 8, hex("44332211"));
  }

  @Test
  void commandIsAU32AtOffset12() {
    assertOnly(encodeWith(r -> r.command = 0x55667788), 12, hex("88776655"));
  }

  @Test
  void vmNameIsNulPaddedAtOffset16() {
    assertOnly(encodeWith(r -> r.vmName = "vm1"), 16, "vm1".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void vfidIsTenU64FromOffset48() {
    assertOnly(encodeWith(r -> r.vfid[0] = 0xA1B2C3D4E5F6L), 48, hex("F6E5D4C3B2A10000"));
    assertOnly(encodeWith(r -> r.vfid[9] = 0x0102030405060708L), 120, hex("0807060504030201"));
  }

  @Test
  void nbMacToMonitorIsAnI32AtOffset128() {
    assertOnly(encodeWith(r -> r.nbMacToMonitor = -2), 128, hex("FEFFFFFF"));
  }

  @Test
  void trafficPolicyIsThreeU32FromOffset132() {
    assertOnly(encodeWith(r -> r.trafficPolicy[0] = 0x01020304), 132, hex("04030201"));
    assertOnly(encodeWith(r -> r.trafficPolicy[1] = 0x05060708), 136, hex("08070605"));
    assertOnly(encodeWith(r -> r.trafficPolicy[2] = 0x090A0B0C), 140, hex("0C0B0A09"));
  }

  @Test
  void vcpuToControlIsEightBytesFromOffset144() {
    assertOnly(encodeWith(r -> r.vcpuToControl[0] = 5), 144, hex("05"));
    assertOnly(encodeWith(r -> r.vcpuToControl[7] = (byte) 0xF9), 151, hex("F9"));
  }

  @Test
  void numVcpuIsAU8AtOffset152() {
    assertOnly(encodeWith(r -> r.numVcpu = 200), 152, hex("C8"));
  }

  @Test
  void timerPolicyIsThreeTimes24I32FromOffset156() {
    assertOnly(encodeWith(r -> r.timerPolicy[0][0] = 0x0A0B0C0D), 156, hex("0D0C0B0A"));
    assertOnly(encodeWith(r -> r.timerPolicy[0][23] = 7), 248, hex("07000000"));
    assertOnly(encodeWith(r -> r.timerPolicy[1][0] = 8), 252, hex("08000000"));
    assertOnly(encodeWith(r -> r.timerPolicy[2][0] = 9), 348, hex("09000000"));
    assertOnly(encodeWith(r -> r.timerPolicy[2][23] = -1), 440, hex("FFFFFFFF"));
  }

  @Test
  void coreTypeIsABoolAtOffset444() {
    assertOnly(encodeWith(r -> r.physicalCore = true), 444, hex("01"));
  }

  @Test
  void workloadIsAnEnumAtOffset448() {
    assertOnly(encodeWith(r -> r.workload = 2), 448, hex("02000000"));
  }

  @Test
  void policyToUseIsAnEnumAtOffset452() {
    assertOnly(encodeWith(r -> r.policyToUse = 3), 452, hex("03000000"));
  }

  @Test
  void turboStatusIsABoolAtOffset456() {
    assertOnly(encodeWith(r -> r.turboStatus = true), 456, hex("01"));
  }

  @Test
  void decodesEachFieldFromItsOffset() {
    ByteBuffer b = ByteBuffer.allocate(464).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, 7).putInt(8, 4).putInt(12, 9);
    b.put(16, "guest".getBytes(StandardCharsets.US_ASCII));
    b.putLong(56, 0xABCDEFL).putInt(128, 3).putInt(140, 99);
    b.put(146, (byte) 6).put(152, (byte) 0xFF).putInt(156 + 4 * 30, -5);
    b.put(444, (byte) 2).putInt(448, 1).putInt(452, 2).put(456, (byte) 1);

    PowerRequest r = PowerRequestCodec.decode(b.array(), WireFormat.DPDK);

    assertEquals(7, r.resourceId);
    assertEquals(4, r.unit);
    assertEquals(9, r.command);
    assertEquals("guest", r.vmName);
    assertEquals(0xABCDEFL, r.vfid[1]);
    assertEquals(3, r.nbMacToMonitor);
    assertEquals(99, r.trafficPolicy[2]);
    assertEquals(6, r.vcpuToControl[2]);
    assertEquals(255, r.numVcpu);
    assertEquals(-5, r.timerPolicy[1][6]);
    assertTrue(r.physicalCore, "any non-zero core_type byte is physical");
    assertEquals(1, r.workload);
    assertEquals(2, r.policyToUse);
    assertTrue(r.turboStatus);
  }

  @Test
  void decodesANulPaddedName() {
    byte[] b = new byte[464];
    System.arraycopy("vm-7".getBytes(StandardCharsets.US_ASCII), 0, b, 16, 4);
    b[16 + 6] = 'x'; // bytes after the first NUL are padding, whatever they hold

    assertEquals("vm-7", PowerRequestCodec.decode(b, WireFormat.DPDK).vmName);
  }

  @Test
  void decodesA32ByteNameWithoutNul() {
    byte[] b = new byte[464];
    byte[] name = "abcdefghijklmnopqrstuvwxyz012345".getBytes(StandardCharsets.US_ASCII);
    assertEquals(32, name.length);
    System.arraycopy(name, 0, b, 16, 32);
    b[48] = 0x41; // vfid[0] follows; it must not leak into the name

    assertEquals(
        "abcdefghijklmnopqrstuvwxyz012345", PowerRequestCodec.decode(b, WireFormat.DPDK).vmName);
  }

  @Test
  void encodeRejectsANameOver31Bytes() {
    PowerRequest ok = new PowerRequest();
    ok.vmName = "a".repeat(31);
    assertEquals(464, PowerRequestCodec.encode(ok, WireFormat.DPDK).length);

    PowerRequest ascii = new PowerRequest();
    ascii.vmName = "a".repeat(32);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PowerRequestCodec.encode(ascii, WireFormat.DPDK));
    assertTrue(e.getMessage().contains("at most 31"), e.getMessage());

    PowerRequest utf8 = new PowerRequest();
    utf8.vmName = "é".repeat(16); // 16 characters, 32 bytes
    assertThrows(
        IllegalArgumentException.class, () -> PowerRequestCodec.encode(utf8, WireFormat.DPDK));
  }

  @Test
  void encodeRejectsANameWithANulByte() {
    PowerRequest r = new PowerRequest();
    r.vmName = "vm\u00001";

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PowerRequestCodec.encode(r, WireFormat.DPDK));
    assertTrue(e.getMessage().contains("NUL"), e.getMessage());
  }

  @Test
  void encodeRejectsNumVcpuOutsideAU8() {
    PowerRequest r = new PowerRequest();
    r.numVcpu = 256;
    assertThrows(
        IllegalArgumentException.class, () -> PowerRequestCodec.encode(r, WireFormat.DPDK));
    r.numVcpu = -1;
    assertThrows(
        IllegalArgumentException.class, () -> PowerRequestCodec.encode(r, WireFormat.DPDK));
  }

  @Test
  void aRejectedEncodeLeavesTheBufferAsItWas() {
    ByteBuffer buf = ByteBuffer.allocate(464).order(ByteOrder.LITTLE_ENDIAN);
    Arrays.fill(buf.array(), (byte) 0x5A);
    PowerRequest r = PowerRequest.cpuPower(1, Wire.SCALE_UP);
    r.vmName = "x".repeat(40);

    assertThrows(
        IllegalArgumentException.class, () -> PowerRequestCodec.encode(r, WireFormat.DPDK, buf, 0));

    for (byte b : buf.array()) {
      assertEquals(0x5A, b);
    }
  }

  @Test
  void encodesAndDecodesAtAnOffsetOfALargerBuffer() {
    ByteBuffer buf = ByteBuffer.allocate(1000).order(ByteOrder.LITTLE_ENDIAN);
    PowerRequest r = PowerRequest.cpuPower(5, Wire.SCALE_MIN);
    r.vmName = "vm5";

    PowerRequestCodec.encode(r, WireFormat.DPDK, buf, 100);

    assertEquals(5, PowerRequestCodec.resourceId(buf, 100));
    assertEquals(Wire.SCALE_MIN, PowerRequestCodec.unit(buf, 100));
    assertEquals(Wire.CPU_POWER, PowerRequestCodec.command(buf, 100));
    assertFalse(PowerRequestCodec.physicalCore(buf, 100));
    assertEquals(r, PowerRequestCodec.decode(buf, 100, WireFormat.DPDK, new PowerRequest()));
    assertEquals(0, buf.get(99));
    assertEquals(0, buf.get(564));
  }

  @Test
  void decodeRejectsAnArrayOfTheWrongSize() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PowerRequestCodec.decode(new byte[463], WireFormat.DPDK));
    assertTrue(e.getMessage().contains("464"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PowerRequestCodec.decode(new byte[464], WireFormat.LEGACY));
  }

  @Test
  void decodeReusesTheInstanceAndClearsWhatTheNewPacketLacks() {
    PowerRequest into = new PowerRequest();
    into.vmName = "stale";
    into.physicalCore = true;
    byte[] legacy = PowerRequestCodec.encode(PowerRequest.cpuPower(2, 1), WireFormat.LEGACY);

    PowerRequestCodec.decode(
        ByteBuffer.wrap(legacy).order(ByteOrder.LITTLE_ENDIAN), 0, WireFormat.LEGACY, into);

    assertEquals(PowerRequest.cpuPower(2, 1), into);
  }
}
