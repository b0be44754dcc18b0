package io.vmpower.features.reliability;

import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/** Requests as a DPDK guest writes them, and the replies read back. */
final class Packets {
  private Packets() {}

  /** A CPU_POWER request; {@code tag} goes in vfid[0], which the host ignores and an ACK echoes. */
  static byte[] scale(long vcpu, int unit, long tag) {
    PowerRequest r = PowerRequest.cpuPower(vcpu, unit);
    r.vfid[0] = tag;
    return PowerRequestCodec.encode(r, WireFormat.DPDK);
  }

  /** A request with {@code command}, {@code unit} and {@code resource}, the rest zero. */
  static byte[] request(int command, int unit, long resource) {
    PowerRequest r = PowerRequest.of(command, resource);
    r.unit = unit;
    return PowerRequestCodec.encode(r, WireFormat.DPDK);
  }

  /** {@code p} with vm_name set to {@code name}. */
  static byte[] named(byte[] p, String name) {
    byte[] out = p.clone();
    byte[] b = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, out, Wire.OFF_VM_NAME, b.length);
    return out;
  }

  /** {@code p} with core_type physical. */
  static byte[] physical(byte[] p) {
    byte[] out = p.clone();
    out[Wire.OFF_CORE_TYPE] = 1;
    return out;
  }

  static byte[] times(byte[] packet, int n) {
    byte[] all = new byte[packet.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(packet, 0, all, i * packet.length, packet.length);
    }
    return all;
  }

  static int command(byte[] packet) {
    return ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).getInt(Wire.OFF_COMMAND);
  }

  static long tag(byte[] packet) {
    return ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).getLong(Wire.OFF_VFID);
  }

  private static String vmName(byte[] stream, int at, int size) {
    return ReplyCodec.decode(java.util.Arrays.copyOfRange(stream, at, at + size)).vmName();
  }

  /**
   * Names the replies in a stream of them, e.g. {@code NACK x100, FREQ_LIST(vm1) x1}; {@code none}
   * for no bytes; bytes that are no reply are counted as such.
   */
  static String describeReplies(byte[] stream) {
    if (stream.length == 0) {
      return "none";
    }
    Map<String, Integer> kinds = new TreeMap<>();
    ByteBuffer b = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at + 16 <= stream.length) {
      int command = b.getInt(at + Wire.OFF_COMMAND);
      int size =
          switch (command) {
            case Wire.ACK, Wire.NACK -> Wire.REQUEST_SIZE;
            case Wire.FREQ_LIST -> Wire.FREQ_LIST_SIZE;
            case Wire.CAPS_LIST -> Wire.CAPS_LIST_SIZE;
            default -> -1;
          };
      if (size < 0 || at + size > stream.length) {
        kinds.merge("unparsable bytes", stream.length - at, Integer::sum);
        at = stream.length;
        break;
      }
      String name =
          switch (command) {
            case Wire.ACK -> "ACK";
            case Wire.NACK -> "NACK";
            case Wire.FREQ_LIST -> "FREQ_LIST(" + vmName(stream, at, size) + ")";
            default -> "CAPS_LIST(" + vmName(stream, at, size) + ")";
          };
      kinds.merge(name, 1, Integer::sum);
      at += size;
    }
    if (at < stream.length) {
      kinds.merge("unparsable bytes", stream.length - at, Integer::sum);
    }
    StringBuilder sb = new StringBuilder();
    kinds.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(" x").append(v));
    return sb.toString();
  }
}
