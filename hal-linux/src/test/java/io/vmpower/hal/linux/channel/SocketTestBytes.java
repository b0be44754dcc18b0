package io.vmpower.hal.linux.channel;

import java.io.ByteArrayOutputStream;

/** Recognisable packets for byte-exact comparisons. */
final class SocketTestBytes {

  /** The legacy request size. */
  static final int LEGACY = 16;

  /** The current (DPDK 18.11+) request size. */
  static final int CURRENT = 464;

  private SocketTestBytes() {}

  /** {@code length} bytes, different for each {@code seed}. */
  static byte[] packet(int seed, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed * 31 + i * 7 + (seed >> 8));
    }
    return bytes;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
