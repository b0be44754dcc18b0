package io.vmpower.core.hal;

import java.util.Locale;

/**
 * An Ethernet MAC address (48 bits), as libvirt writes it ({@code 52:54:00:12:34:56}) and as DPDK
 * puts it in a policy packet's {@code vfid} (the six octets in memory order in the low six bytes of
 * a little-endian u64; DPDK leaves the top two bytes uninitialised, so they are ignored).
 */
public final class MacAddress implements Comparable<MacAddress> {
  private static final long MASK = 0xFFFF_FFFF_FFFFL;

  /** Octet 0 in the most significant of the 48 bits, as the address is written. */
  private final long bits;

  private MacAddress(long bits) {
    this.bits = bits & MASK;
  }

  /** From the 48 bits, octet 0 most significant. */
  public static MacAddress of(long bits) {
    return new MacAddress(bits);
  }

  /**
   * Parses {@code aa:bb:cc:dd:ee:ff} (or with {@code -}), and DPDK's {@code aabb:ccdd:eeff}; hex
   * digits in either case. Strict: anything else is refused with a message that says what is
   * accepted.
   */
  public static MacAddress parse(String text) {
    String t = text == null ? "" : text.trim();
    String[] parts = t.split("[:-]", -1);
    int width;
    if (parts.length == 6) {
      width = 2;
    } else if (parts.length == 3 && t.indexOf('-') < 0) {
      width = 4;
    } else {
      throw bad(text);
    }
    long v = 0;
    for (String p : parts) {
      if (p.length() != width || !p.chars().allMatch(MacAddress::isHex)) {
        throw bad(text);
      }
      v = (v << (4 * width)) | Long.parseLong(p, 16);
    }
    return new MacAddress(v);
  }

  /** From a DPDK {@code vfid}: octet i is byte i of the little-endian u64; bytes 6-7 ignored. */
  public static MacAddress fromDpdkVfid(long vfid) {
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | ((vfid >>> (8 * i)) & 0xFF);
    }
    return new MacAddress(v);
  }

  /** The DPDK {@code vfid} of this address: octet i in byte i, bytes 6-7 zero. */
  public long toDpdkVfid() {
    long out = 0;
    for (int i = 0; i < 6; i++) {
      out |= ((bits >>> (8 * (5 - i))) & 0xFF) << (8 * i);
    }
    return out;
  }

  public long bits() {
    return bits;
  }

  /** All zero: no address. */
  public boolean isZero() {
    return bits == 0;
  }

  /** The group bit (bit 0 of octet 0): multicast or broadcast, never a NIC's own address. */
  public boolean isMulticast() {
    return ((bits >>> 40) & 1) != 0;
  }

  /** What a NIC can have: not zero, not multicast or broadcast. */
  public boolean isUnicast() {
    return !isZero() && !isMulticast();
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a MAC address: use six hex pairs like 52:54:00:12:34:56");
  }

  @Override
  public int compareTo(MacAddress o) {
    return Long.compare(bits, o.bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacAddress m && m.bits == bits;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bits);
  }

  /** {@code 52:54:00:12:34:56}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 5; i >= 0; i--) {
      sb.append(String.format(Locale.ROOT, "%02x", (bits >>> (8 * i)) & 0xFF));
      if (i > 0) {
        sb.append(':');
      }
    }
    return sb.toString();
  }
}
