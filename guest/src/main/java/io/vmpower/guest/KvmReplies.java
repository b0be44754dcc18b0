package io.vmpower.guest;

import io.vmpower.core.wire.Replies;
import io.vmpower.core.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the guest reads the host's replies: their sizes, which request a reply answers, and the
 * entries of frequency and capability lists.
 *
 * <p>A single-vCPU query (QUERY_FREQ, QUERY_CAPS) is answered in two layouts: DPDK's host writes
 * the entry at the vCPU's index (with num_vcpu 1 and the other entries uninitialised), this
 * project's host at index 0 (every other byte zero). The entry at the vCPU's index is taken when it
 * is not zero, else entry 0.
 */
final class KvmReplies {
  static final int HEAD_SIZE = 16;

  private KvmReplies() {}

  /** The size of a reply with {@code command} (ACK, NACK, FREQ_LIST, CAPS_LIST), else -1. */
  static int replySize(int command) {
    return switch (command) {
      case Wire.ACK, Wire.NACK -> Wire.REQUEST_SIZE;
      case Wire.FREQ_LIST -> Wire.FREQ_LIST_SIZE;
      case Wire.CAPS_LIST -> Wire.CAPS_LIST_SIZE;
      default -> -1;
    };
  }

  static int command(byte[] packet) {
    return le(packet).getInt(Wire.OFF_COMMAND);
  }

  static long resourceId(byte[] packet) {
    return le(packet).getLong(Wire.OFF_RESOURCE_ID);
  }

  /** What the bytes at the head of the reply stream may be, for a given request. */
  enum Candidate {
    /** Not an answer to the request: skip a byte. */
    NONE,
    /** The start of an ACK or NACK: an answer if all 464 bytes echo the request. */
    ECHO,
    /** The head of the list the query asked for, for its resource_id: an answer. */
    LIST
  }

  /**
   * Classifies the 16 bytes {@code head} for {@code request}: a scale request is answered by the
   * echo of it as ACK or NACK; a query by the list it asked for (same resource_id), or a NACK
   * echoing it.
   */
  static Candidate candidate(byte[] request, byte[] head, boolean query) {
    int c = command(head);
    boolean echo = c == Wire.NACK || (c == Wire.ACK && !query);
    if (echo
        && request.length == Wire.REQUEST_SIZE
        && Arrays.equals(request, 0, Wire.OFF_COMMAND, head, 0, Wire.OFF_COMMAND)) {
      return Candidate.ECHO;
    }
    if (query && c == listReplyTo(command(request)) && resourceId(head) == resourceId(request)) {
      return Candidate.LIST;
    }
    return Candidate.NONE;
  }

  /** The list command that answers query {@code command}. */
  static int listReplyTo(int command) {
    return switch (command) {
      case Wire.QUERY_FREQ, Wire.QUERY_FREQ_LIST -> Wire.FREQ_LIST;
      case Wire.QUERY_CAPS, Wire.QUERY_CAPS_LIST -> Wire.CAPS_LIST;
      default -> -1;
    };
  }

  /** The frequencies of a FREQ_LIST reply: all listed, or the one of {@code lcore}. */
  static QueryResult<VcpuFrequency> frequencies(byte[] reply, int lcore, boolean list) {
    if (command(reply) == Wire.NACK) {
      return QueryResult.failed("the host refused the frequency query (NACK)");
    }
    Replies.Reply r = Replies.decode(reply);
    long[] f = r.freqs();
    List<VcpuFrequency> out = new ArrayList<>();
    if (list) {
      for (int i = 0; i < f.length; i++) {
        out.add(new VcpuFrequency(i, f[i]));
      }
      return QueryResult.answered(out);
    }
    if (f.length == 0) {
      return QueryResult.failed("the host's frequency reply lists no vCPU");
    }
    long atIndex = hasOwnSlot(lcore) ? freqSlot(reply, lcore) : 0;
    out.add(new VcpuFrequency(lcore, atIndex != 0 ? atIndex : f[0]));
    return QueryResult.answered(out);
  }

  /** The capabilities of a CAPS_LIST reply: all listed, or the one of {@code lcore}. */
  static QueryResult<VcpuCapabilities> capabilities(byte[] reply, int lcore, boolean list) {
    if (command(reply) == Wire.NACK) {
      return QueryResult.failed("the host refused the capability query (NACK)");
    }
    Replies.Reply r = Replies.decode(reply);
    boolean[] turbo = r.turbo();
    boolean[] priority = r.priority();
    List<VcpuCapabilities> out = new ArrayList<>();
    if (list) {
      for (int i = 0; i < turbo.length; i++) {
        out.add(new VcpuCapabilities(i, turbo[i], priority[i]));
      }
      return QueryResult.answered(out);
    }
    if (turbo.length == 0) {
      return QueryResult.failed("the host's capability reply lists no vCPU");
    }
    ByteBuffer b = le(reply);
    if (hasOwnSlot(lcore)) {
      long t = b.getLong(Wire.OFF_REPLY_LIST + 8 * lcore);
      long p = b.getLong(Wire.OFF_CAPS_PRIORITY + 8 * lcore);
      if (t != 0 || p != 0) {
        out.add(new VcpuCapabilities(lcore, t != 0, p != 0));
        return QueryResult.answered(out);
      }
    }
    out.add(new VcpuCapabilities(lcore, turbo[0], priority[0]));
    return QueryResult.answered(out);
  }

  private static boolean hasOwnSlot(int lcore) {
    return lcore > 0 && lcore < Wire.MAX_VCPU_PER_REPLY;
  }

  private static long freqSlot(byte[] reply, int lcore) {
    return Integer.toUnsignedLong(le(reply).getInt(Wire.OFF_REPLY_LIST + 4 * lcore));
  }

  private static ByteBuffer le(byte[] packet) {
    return ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
  }
}
