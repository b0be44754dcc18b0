package io.vmpower.core.policy;

import io.vmpower.core.vm.ChannelStats.Counter;
import java.util.Objects;

/**
 * What became of a guest's policy packet: {@link Counter#POLICY_ACKED}, or the NACK reason it is
 * counted under and a message saying what was wrong.
 */
public record PolicyVerdict(Counter counter, String message) {
  public static final PolicyVerdict ACKED = new PolicyVerdict(Counter.POLICY_ACKED, "");

  public PolicyVerdict {
    Objects.requireNonNull(counter, "counter");
    message = message == null ? "" : message;
  }

  public boolean acked() {
    return counter == Counter.POLICY_ACKED;
  }
}
