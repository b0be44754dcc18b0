package io.vmpower.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes guest requests, little-endian, in either {@link WireFormat}.
 *
 * <p>The static accessors read single fields at an absolute offset of a little-endian buffer
 * without allocating; the monitor uses them on its hot path. The full decode fills a {@link
 * PowerRequest} and is for the guest library, tools and tests. The replies are {@link
 * ReplyCodec}'s.
 */
public final class PowerRequestCodec {
  private PowerRequestCodec() {}

  /** resource_id of the request at {@code base}. The buffer must be little-endian. */
  public static long resourceId(ByteBuffer buf, int base) {
    return buf.getLong(base + Wire.OFF_RESOURCE_ID);
  }

  public static int unit(ByteBuffer buf, int base) {
    return buf.getInt(base + Wire.OFF_UNIT);
  }

  public static int command(ByteBuffer buf, int base) {
    return buf.getInt(base + Wire.OFF_COMMAND);
  }

  /** core_type of a 464-byte request: true when the guest claims a physical core. */
  public static boolean physicalCore(ByteBuffer buf, int base) {
    return buf.get(base + Wire.OFF_CORE_TYPE) != 0;
  }

  /** Encodes {@code r} in {@code format} into a new little-endian array. */
  public static byte[] encode(PowerRequest r, WireFormat format) {
    byte[] out = new byte[format.requestSize()];
    encode(r, format, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN), 0);
    return out;
  }

  /**
   * Writes {@code r} at {@code base} of {@code buf} (little-endian), padding bytes zero. Fails when
   * a field does not fit its width (vm_name over 31 bytes of UTF-8 or with a NUL, num_vcpu over
   * 255), before writing anything.
   */
  public static void encode(PowerRequest r, WireFormat format, ByteBuffer buf, int base) {
    byte[] name = format == WireFormat.LEGACY ? null : nameBytes(r.vmName);
    if (format != WireFormat.LEGACY && (r.numVcpu < 0 || r.numVcpu > 255)) {
      throw new IllegalArgumentException("num_vcpu " + r.numVcpu + " does not fit a u8 (0-255)");
    }
    int size = format.requestSize();
    for (int i = 0; i < size; i++) {
      buf.put(base + i, (byte) 0);
    }
    buf.putLong(base + Wire.OFF_RESOURCE_ID, r.resourceId);
    buf.putInt(base + Wire.OFF_UNIT, r.unit);
    buf.putInt(base + Wire.OFF_COMMAND, r.command);
    if (format == WireFormat.LEGACY) {
      return;
    }
    putName(buf, base + Wire.OFF_VM_NAME, name);
    for (int i = 0; i < Wire.MAX_VFS; i++) {
      buf.putLong(base + Wire.OFF_VFID + 8 * i, r.vfid[i]);
    }
    buf.putInt(base + Wire.OFF_NB_MAC, r.nbMacToMonitor);
    for (int i = 0; i < 3; i++) {
      buf.putInt(base + Wire.OFF_TRAFFIC_POLICY + 4 * i, r.trafficPolicy[i]);
    }
    for (int i = 0; i < 8; i++) {
      buf.put(base + Wire.OFF_VCPU_TO_CONTROL + i, r.vcpuToControl[i]);
    }
    buf.put(base + Wire.OFF_NUM_VCPU, (byte) r.numVcpu);
    for (int p = 0; p < 3; p++) {
      for (int h = 0; h < Wire.HOURS; h++) {
        buf.putInt(base + Wire.OFF_TIMER_POLICY + 4 * (p * Wire.HOURS + h), r.timerPolicy[p][h]);
      }
    }
    buf.put(base + Wire.OFF_CORE_TYPE, (byte) (r.physicalCore ? 1 : 0));
    buf.putInt(base + Wire.OFF_WORKLOAD, r.workload);
    buf.putInt(base + Wire.OFF_POLICY_TO_USE, r.policyToUse);
    buf.put(base + Wire.OFF_TURBO_STATUS, (byte) (r.turboStatus ? 1 : 0));
  }

  /** Decodes the request at {@code base} of a little-endian buffer into {@code into}. */
  public static PowerRequest decode(
      ByteBuffer buf, int base, WireFormat format, PowerRequest into) {
    into.clear();
    into.resourceId = resourceId(buf, base);
    into.unit = unit(buf, base);
    into.command = command(buf, base);
    if (format == WireFormat.LEGACY) {
      return into;
    }
    into.vmName = getName(buf, base + Wire.OFF_VM_NAME);
    for (int i = 0; i < Wire.MAX_VFS; i++) {
      into.vfid[i] = buf.getLong(base + Wire.OFF_VFID + 8 * i);
    }
    into.nbMacToMonitor = buf.getInt(base + Wire.OFF_NB_MAC);
    for (int i = 0; i < 3; i++) {
      into.trafficPolicy[i] = buf.getInt(base + Wire.OFF_TRAFFIC_POLICY + 4 * i);
    }
    for (int i = 0; i < 8; i++) {
      into.vcpuToControl[i] = buf.get(base + Wire.OFF_VCPU_TO_CONTROL + i);
    }
    into.numVcpu = buf.get(base + Wire.OFF_NUM_VCPU) & 0xFF;
    for (int p = 0; p < 3; p++) {
      for (int h = 0; h < Wire.HOURS; h++) {
        into.timerPolicy[p][h] =
            buf.getInt(base + Wire.OFF_TIMER_POLICY + 4 * (p * Wire.HOURS + h));
      }
    }
    into.physicalCore = physicalCore(buf, base);
    into.workload = buf.getInt(base + Wire.OFF_WORKLOAD);
    into.policyToUse = buf.getInt(base + Wire.OFF_POLICY_TO_USE);
    into.turboStatus = buf.get(base + Wire.OFF_TURBO_STATUS) != 0;
    return into;
  }

  /** Decodes a whole request array (its length must be the format's size). */
  public static PowerRequest decode(byte[] bytes, WireFormat format) {
    if (bytes.length != format.requestSize()) {
      throw new IllegalArgumentException(
          "a "
              + format.optionName()
              + " request is "
              + format.requestSize()
              + " bytes, got "
              + bytes.length);
    }
    return decode(
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, format, new PowerRequest());
  }

  /** Writes a NUL-padded name of at most 31 bytes (so it is always NUL-terminated). */
  static void putName(ByteBuffer buf, int at, String name) {
    putName(buf, at, nameBytes(name));
  }

  /** The UTF-8 bytes of a vm_name, checked to fit: at most 31 bytes, no NUL (it would end it). */
  private static byte[] nameBytes(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    if (b.length > Wire.VM_NAME_SIZE - 1) {
      throw new IllegalArgumentException(
          "vm_name '" + name + "' is " + b.length + " bytes; at most 31 fit the packet");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "vm_name '" + name.replace("\0", "\\0") + "' contains a NUL byte, which would end it");
    }
    return b;
  }

  private static void putName(ByteBuffer buf, int at, byte[] b) {
    for (int i = 0; i < Wire.VM_NAME_SIZE; i++) {
      buf.put(at + i, i < b.length ? b[i] : 0);
    }
  }

  /** Reads a NUL-padded name: the bytes up to the first NUL (or all 32), as UTF-8. */
  static String getName(ByteBuffer buf, int at) {
    int len = 0;
    while (len < Wire.VM_NAME_SIZE && buf.get(at + len) != 0) {
      len++;
    }
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = buf.get(at + i);
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
