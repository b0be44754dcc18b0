package io.vmpower.guest;

import io.vmpower.core.wire.ReplyCodec;
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
 * <p>A single-vCPU query (QUERY_FREQ, QUERY_CAPS) is answered at the vCPU's index by DPDK's host
 * (num_vcpu the VM's vCPU count, the other entries uninitialised) and by this project's host for
 * vCPUs 1 to 7 (num_vcpu one past it, the entry also at index 0); a reply listing one entry has it
 * at index 0. So the entry at the vCPU's index is taken when num_vcpu reaches past it, else entry
 * 0: no entry's value decides it, as an all-false capability entry is a real answer.
 *
 * <p>DPDK's host (22.11 checked) sets nothing in a list reply but command, the entries and
 * num_vcpu: resource_id, unit and vm_name are uninitialised bytes. A list reply is therefore
 * recognised by its command (and a num_vcpu not 0), not its resource_id; replies to earlier
 * requests are kept out by dropping what is buffered before each request, so only a late list of
 * the same kind arriving after that drop could be taken for the answer: nothing in DPDK's replies
 * tells them apart.
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
   * echo of it as ACK or NACK; a query by the kind of list it asked for (whatever its resource_id,
   * which DPDK's host leaves uninitialised), or a NACK echoing it.
   */
  static Candidate candidate(byte[] request, byte[] head, boolean query) {
    int c = command(head);
    boolean echo = c == Wire.NACK || (c == Wire.ACK && !query);
    if (echo
        && request.length == Wire.REQUEST_SIZE
        && Arrays.equals(request, 0, Wire.OFF_COMMAND, head, 0, Wire.OFF_COMMAND)) {
      return Candidate.ECHO;
    }
    if (query && c == listReplyTo(command(request))) {
      return Candidate.LIST;
    }
    return Candidate.NONE;
  }

  /**
   * Whether the whole FREQ_LIST or CAPS_LIST {@code packet} lists at least one vCPU, as every
   * host's answer does: a window that only looks like a list head (inside a skipped packet) mostly
   * does not.
   */
  static boolean listsAnyVcpu(byte[] packet) {
    int at =
        command(packet) == Wire.FREQ_LIST ? Wire.OFF_FREQ_LIST_NUM_VCPU : Wire.OFF_CAPS_NUM_VCPU;
    return packet[at] != 0;
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
    ReplyCodec.Reply r = ReplyCodec.decode(reply);
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
    out.add(new VcpuFrequency(lcore, atOwnIndex(lcore, f.length) ? f[lcore] : f[0]));
    return QueryResult.answered(out);
  }

  /** The capabilities of a CAPS_LIST reply: all listed, or the one of {@code lcore}. */
  static QueryResult<VcpuCapabilities> capabilities(byte[] reply, int lcore, boolean list) {
    if (command(reply) == Wire.NACK) {
      return QueryResult.failed("the host refused the capability query (NACK)");
    }
    ReplyCodec.Reply r = ReplyCodec.decode(reply);
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
    int i = atOwnIndex(lcore, turbo.length) ? lcore : 0;
    out.add(new VcpuCapabilities(lcore, turbo[i], priority[i]));
    return QueryResult.answered(out);
  }

  /**
   * Whether a single-vCPU reply listing {@code listed} entries (num_vcpu, at most 8) is in DPDK's
   * layout, its entry at the vCPU's index: it lists more than one entry, up to past {@code lcore}.
   */
  private static boolean atOwnIndex(int lcore, int listed) {
    return lcore > 0 && lcore < listed;
  }

  private static ByteBuffer le(byte[] packet) {
    return ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
  }
}
