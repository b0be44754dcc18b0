package io.vmpower.core.wire;

import java.util.Locale;

/**
 * The two request layouts found in the field. They cannot be told apart from the stream, so the
 * host is told which one its guests speak.
 */
public enum WireFormat {
  /** DPDK 18.11 and later: 464-byte requests, with ACK/NACK and query replies. */
  DPDK(464, true),
  /** DPDK 1.8 to 17.08: 16-byte requests, no replies. */
  LEGACY(16, false);

  private final int requestSize;
  private final boolean replies;

  WireFormat(int requestSize, boolean replies) {
    this.requestSize = requestSize;
    this.replies = replies;
  }

  public int requestSize() {
    return requestSize;
  }

  /** Whether the host answers requests (ACK/NACK, query replies). */
  public boolean hasReplies() {
    return replies;
  }

  /** The name used on command lines: {@code dpdk} or {@code legacy}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code dpdk} or {@code legacy} (any case). */
  public static WireFormat parse(String text) {
    for (WireFormat f : values()) {
      if (f.optionName().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown wire format '" + text + "': use dpdk (464-byte requests) or legacy (16 bytes)");
  }
}
