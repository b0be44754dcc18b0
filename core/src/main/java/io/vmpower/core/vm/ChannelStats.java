package io.vmpower.core.vm;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one channel: every request read is counted exactly once as served, refused or
 * dropped, so the counters add up to what the guest sent. Written by the monitor thread, read by
 * anyone.
 */
public final class ChannelStats {

  /** Where a request went. {@link #REQUESTS} counts them all. */
  public enum Counter {
    /** Every whole request read from the channel. */
    REQUESTS,
    /** Served: a scale request ACKed (changed, or already at the bound). */
    ACKED,
    /** Served: a query answered (FREQ_LIST or CAPS_LIST). */
    ANSWERED,
    /** Served: a CONNECT packet (no reply by design). */
    CONNECTS,
    /** Served in the legacy protocol (no replies exist). */
    LEGACY_SERVED,
    /** Refused with a NACK: resource_id is not a vCPU of this VM. */
    NACK_UNKNOWN_VCPU,
    /** Refused with a NACK: core_type physical from a guest. */
    NACK_PHYSICAL_CORE,
    /** Refused with a NACK: unknown command. */
    NACK_UNKNOWN_COMMAND,
    /** Refused with a NACK: unknown unit for CPU_POWER. */
    NACK_UNKNOWN_UNIT,
    /** Refused with a NACK: the frequency change failed on the host. */
    NACK_SCALE_FAILED,
    /** Refused with a NACK: traffic/time policies are not supported. */
    NACK_POLICY_UNSUPPORTED,
    /** Refused without a reply: a query while queries are disabled for the VM (as DPDK does). */
    REFUSED_QUERY_DISABLED,
    /** Refused without a reply: a query for a vCPU the VM does not have. */
    REFUSED_QUERY_BAD_VCPU,
    /** Dropped: read while the channel was DISABLED. */
    DROPPED_DISABLED,
    /** Replies dropped because the guest did not read them and its queue was full. */
    REPLIES_DROPPED,
    /** Bytes of an incomplete request lost when the channel hung up. */
    INCOMPLETE_BYTES,
    /** Times the channel hung up. */
    HANGUPS,
    /** Times the channel was attached (first attach and re-attaches). */
    ATTACHES,
    /** Attach refused because the peer's uid is not the allowed one. */
    PEER_REFUSED;

    /** Whether this counter is one of the final destinations of a request. */
    public boolean isRequestOutcome() {
      return switch (this) {
        case ACKED,
            ANSWERED,
            CONNECTS,
            LEGACY_SERVED,
            NACK_UNKNOWN_VCPU,
            NACK_PHYSICAL_CORE,
            NACK_UNKNOWN_COMMAND,
            NACK_UNKNOWN_UNIT,
            NACK_SCALE_FAILED,
            NACK_POLICY_UNSUPPORTED,
            REFUSED_QUERY_DISABLED,
            REFUSED_QUERY_BAD_VCPU,
            DROPPED_DISABLED ->
            true;
        default -> false;
      };
    }

    public boolean isNack() {
      return name().startsWith("NACK_");
    }
  }

  private static final Counter[] COUNTERS = Counter.values();
  private final AtomicLongArray values = new AtomicLongArray(COUNTERS.length);

  public void increment(Counter c) {
    values.getAndIncrement(c.ordinal());
  }

  public void add(Counter c, long n) {
    values.getAndAdd(c.ordinal(), n);
  }

  public long get(Counter c) {
    return values.get(c.ordinal());
  }

  /** Sum of all final destinations; equals {@link Counter#REQUESTS} once the monitor is idle. */
  public long outcomes() {
    long sum = 0;
    for (Counter c : COUNTERS) {
      if (c.isRequestOutcome()) {
        sum += get(c);
      }
    }
    return sum;
  }

  public long nacks() {
    long sum = 0;
    for (Counter c : COUNTERS) {
      if (c.isNack()) {
        sum += get(c);
      }
    }
    return sum;
  }
}
