package io.vmpower.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes and decodes the host's replies (DPDK 19.11 and later): ACK/NACK echo the 464-byte request
 * with {@code command} replaced; FREQ_LIST is 88 bytes and CAPS_LIST 184. Every byte of a reply is
 * written: nothing uninitialised ever leaves the host. The requests they answer are {@link
 * PowerRequestCodec}'s.
 */
public final class ReplyCodec {
  private ReplyCodec() {}

  /**
   * Writes at the position of {@code out} an ACK ({@code ack}) or NACK echoing the 464-byte request
   * at {@code base} of {@code request}. Advances {@code out}'s position by 464.
   */
  public static void writeAckNack(ByteBuffer request, int base, boolean ack, ByteBuffer out) {
    int at = out.position();
    // one bulk copy (a memcpy for direct buffers); byte by byte costs ~0.7 us per reply
    out.put(at, request, base, Wire.REQUEST_SIZE);
    out.order(ByteOrder.LITTLE_ENDIAN).putInt(at + Wire.OFF_COMMAND, ack ? Wire.ACK : Wire.NACK);
    out.position(at + Wire.REQUEST_SIZE);
  }

  /**
   * Writes at the position of {@code out} an 88-byte FREQ_LIST reply. {@code khz[0..count)} are the
   * frequencies to send; at most 8 fit, the rest are left out and num_vcpu says how many were sent.
   */
  public static void writeFreqList(
      ByteBuffer out, long resourceId, int unit, String vmName, long[] khz, int count) {
    int at = out.position();
    ByteBuffer o = out.order(ByteOrder.LITTLE_ENDIAN);
    zero(o, at, Wire.FREQ_LIST_SIZE);
    writeHead(o, at, resourceId, unit, Wire.FREQ_LIST, vmName);
    int n = Math.min(count, Wire.MAX_VCPU_PER_REPLY);
    for (int i = 0; i < n; i++) {
      o.putInt(at + Wire.OFF_REPLY_LIST + 4 * i, (int) khz[i]);
    }
    o.put(at + Wire.OFF_FREQ_LIST_NUM_VCPU, (byte) n);
    o.position(at + Wire.FREQ_LIST_SIZE);
  }

  /** Writes at the position of {@code out} a 184-byte CAPS_LIST reply (at most 8 entries). */
  public static void writeCapsList(
      ByteBuffer out,
      long resourceId,
      int unit,
      String vmName,
      boolean[] turbo,
      boolean[] priority,
      int count) {
    int at = out.position();
    ByteBuffer o = out.order(ByteOrder.LITTLE_ENDIAN);
    zero(o, at, Wire.CAPS_LIST_SIZE);
    writeHead(o, at, resourceId, unit, Wire.CAPS_LIST, vmName);
    int n = Math.min(count, Wire.MAX_VCPU_PER_REPLY);
    for (int i = 0; i < n; i++) {
      o.putLong(at + Wire.OFF_REPLY_LIST + 8 * i, turbo[i] ? 1 : 0);
      o.putLong(at + Wire.OFF_CAPS_PRIORITY + 8 * i, priority[i] ? 1 : 0);
    }
    o.put(at + Wire.OFF_CAPS_NUM_VCPU, (byte) n);
    o.position(at + Wire.CAPS_LIST_SIZE);
  }

  private static void writeHead(
      ByteBuffer o, int at, long resourceId, int unit, int command, String vmName) {
    o.putLong(at + Wire.OFF_RESOURCE_ID, resourceId);
    o.putInt(at + Wire.OFF_UNIT, unit);
    o.putInt(at + Wire.OFF_COMMAND, command);
    PowerRequestCodec.putName(o, at + Wire.OFF_VM_NAME, truncateName(vmName));
  }

  /** VM names longer than 31 bytes are cut (at a character boundary) to fit the packet. */
  static String truncateName(String name) {
    String n = name;
    while (n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Wire.VM_NAME_SIZE - 1) {
      n = n.substring(0, n.length() - 1);
    }
    return n;
  }

  private static void zero(ByteBuffer o, int at, int len) {
    for (int i = 0; i < len; i++) {
      o.put(at + i, (byte) 0);
    }
  }

  /** A decoded reply, for the guest side and tests. */
  public record Reply(
      int command,
      long resourceId,
      int unit,
      String vmName,
      long[] freqs,
      boolean[] turbo,
      boolean[] priority) {
    public boolean isAck() {
      return command == Wire.ACK;
    }

    public boolean isNack() {
      return command == Wire.NACK;
    }
  }

  /**
   * The size of the reply to expect after sending a request with {@code command}: 464 for CPU_POWER
   * and policies, 88 for frequency queries, 184 for capability queries, 0 for CONNECT.
   */
  public static int expectedReplySize(int command) {
    return switch (command) {
      case Wire.CPU_POWER_CONNECT -> 0;
      case Wire.QUERY_FREQ, Wire.QUERY_FREQ_LIST -> Wire.FREQ_LIST_SIZE;
      case Wire.QUERY_CAPS, Wire.QUERY_CAPS_LIST -> Wire.CAPS_LIST_SIZE;
      default -> Wire.REQUEST_SIZE;
    };
  }

  /** Decodes a reply of 464 (ACK/NACK), 88 (FREQ_LIST) or 184 (CAPS_LIST) bytes. */
  public static Reply decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < Wire.FREQ_LIST_SIZE) {
      throw new IllegalArgumentException("a reply is at least 88 bytes, got " + bytes.length);
    }
    int command = b.getInt(Wire.OFF_COMMAND);
    long resource = b.getLong(Wire.OFF_RESOURCE_ID);
    int unit = b.getInt(Wire.OFF_UNIT);
    String name = PowerRequestCodec.getName(b, Wire.OFF_VM_NAME);
    if (command == Wire.FREQ_LIST && bytes.length == Wire.FREQ_LIST_SIZE) {
      int n = Math.min(b.get(Wire.OFF_FREQ_LIST_NUM_VCPU) & 0xFF, Wire.MAX_VCPU_PER_REPLY);
      long[] f = new long[n];
      for (int i = 0; i < n; i++) {
        f[i] = Integer.toUnsignedLong(b.getInt(Wire.OFF_REPLY_LIST + 4 * i));
      }
      return new Reply(command, resource, unit, name, f, new boolean[0], new boolean[0]);
    }
    if (command == Wire.CAPS_LIST && bytes.length == Wire.CAPS_LIST_SIZE) {
      int n = Math.min(b.get(Wire.OFF_CAPS_NUM_VCPU) & 0xFF, Wire.MAX_VCPU_PER_REPLY);
      boolean[] t = new boolean[n];
      boolean[] p = new boolean[n];
      for (int i = 0; i < n; i++) {
        t[i] = b.getLong(Wire.OFF_REPLY_LIST + 8 * i) != 0;
        p[i] = b.getLong(Wire.OFF_CAPS_PRIORITY + 8 * i) != 0;
      }
      return new Reply(command, resource, unit, name, new long[0], t, p);
    }
    if ((command == Wire.ACK || command == Wire.NACK) && bytes.length == Wire.REQUEST_SIZE) {
      return new Reply(command, resource, unit, name, new long[0], new boolean[0], new boolean[0]);
    }
    throw new IllegalArgumentException(
        "unexpected reply: command " + command + " in " + bytes.length + " bytes");
  }
}
