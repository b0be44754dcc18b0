package io.vmpower.guest;

import io.vmpower.core.wire.Wire;
import java.util.Arrays;

/**
 * Finds, in a port's reply stream, the reply that answers one request. Whatever comes before it (a
 * reply to an earlier request that timed out, or noise) is skipped byte by byte, so that neither a
 * stale packet of another size nor a stray byte can misalign the reply. A possible echo is given up
 * as soon as one byte differs from the request, so noise never makes it wait for bytes that will
 * not come. A list is recognised by its command and a num_vcpu of at least 1 (no host sends an
 * empty list): DPDK's host leaves its other head fields uninitialised.
 */
final class KvmReplyScanner {
  private KvmReplyScanner() {}

  /** The reply found (outcome TAKEN), or why none was; and how many bytes were skipped. */
  record Result(ReplyQueue.Outcome outcome, byte[] reply, int skipped) {}

  /**
   * Waits until {@code deadlineNanos} for the reply to {@code request} (a query when {@code
   * query}), taking it and everything before it from {@code queue}.
   */
  static Result await(ReplyQueue queue, byte[] request, boolean query, long deadlineNanos)
      throws InterruptedException {
    byte[] buf = new byte[Wire.REQUEST_SIZE];
    int skipped = 0;
    while (true) {
      ReplyQueue.Outcome o = queue.peek(buf, KvmReplies.HEAD_SIZE, deadlineNanos);
      if (o != ReplyQueue.Outcome.TAKEN) {
        return new Result(o, null, skipped);
      }
      KvmReplies.Candidate kind = KvmReplies.candidate(request, buf, query);
      int size = KvmReplies.replySize(KvmReplies.command(buf));
      int have = KvmReplies.HEAD_SIZE;
      while (kind != KvmReplies.Candidate.NONE && have < size) {
        int want = Math.min(size, Math.max(have + 1, queue.size()));
        o = queue.peek(buf, want, deadlineNanos);
        if (o != ReplyQueue.Outcome.TAKEN) {
          return new Result(o, null, skipped);
        }
        if (kind == KvmReplies.Candidate.ECHO
            && !Arrays.equals(request, have, want, buf, have, want)) {
          kind = KvmReplies.Candidate.NONE;
        }
        have = want;
      }
      if (kind == KvmReplies.Candidate.LIST && !KvmReplies.listsAnyVcpu(buf)) {
        kind = KvmReplies.Candidate.NONE;
      }
      if (kind != KvmReplies.Candidate.NONE) {
        queue.skip(size);
        return new Result(ReplyQueue.Outcome.TAKEN, Arrays.copyOf(buf, size), skipped);
      }
      queue.skip(1);
      skipped++;
    }
  }
}
