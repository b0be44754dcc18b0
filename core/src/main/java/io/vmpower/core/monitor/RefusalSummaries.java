package io.vmpower.core.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * The channels whose {@link RefusalLog} counted lines it did not log, and when their summary line
 * is due: the monitor writes each one when its one-second window is over, even if the channel stays
 * quiet, and all of them when it stops. Monitor thread only; allocation-free.
 */
final class RefusalSummaries {
  private final List<ChannelLink> listed = new ArrayList<>();

  /** Lists {@code link} if its refusal log holds lines to sum up. */
  void note(ChannelLink link) {
    if (link.refusals.suppressed() > 0 && !link.summaryListed) {
      link.summaryListed = true;
      listed.add(link);
    }
  }

  boolean isEmpty() {
    return listed.isEmpty();
  }

  /** When the soonest summary is due; {@link Long#MAX_VALUE} when none is listed. */
  long soonest() {
    long soonest = Long.MAX_VALUE;
    for (int i = 0; i < listed.size(); i++) {
      soonest = Math.min(soonest, listed.get(i).refusals.dueAt());
    }
    return soonest;
  }

  /** Writes the summaries whose window is over at {@code now}. */
  void writeDue(long now) {
    for (int i = 0; i < listed.size(); i++) {
      ChannelLink link = listed.get(i);
      link.refusals.flushDue(link.channel, now);
      if (link.refusals.suppressed() == 0) {
        link.summaryListed = false;
        listed.remove(i--);
      }
    }
  }

  /** Writes every pending summary now (the monitor stops). */
  void writeAll() {
    for (int i = 0; i < listed.size(); i++) {
      ChannelLink link = listed.get(i);
      link.refusals.flush(link.channel);
      link.summaryListed = false;
    }
    listed.clear();
  }
}
