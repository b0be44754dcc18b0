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
    /** Refused with a NACK: the VM's policy holds that vCPU ({@code guests=deny}). */
    NACK_POLICY_HOLDS,
    /** Served: a policy packet ACKed (PKT_POLICY installed, or PKT_POLICY_REMOVE done). */
    POLICY_ACKED,
    /** Refused with a NACK: a policy over the 16-byte legacy protocol, which cannot carry one. */
    NACK_POLICY_UNSUPPORTED,
    /** Refused with a NACK: policy_to_use is none of TRAFFIC, TIME, WORKLOAD, BRANCH_RATIO. */
    NACK_POLICY_UNKNOWN_TYPE,
    /** Refused with a NACK: a policy with core_type physical. */
    NACK_POLICY_PHYSICAL_CORE,
    /** Refused with a NACK: num_vcpu not 1-8, or a vcpu_to_control that is not the VM's vCPU. */
    NACK_POLICY_BAD_VCPU,
    /** Refused with a NACK: an hour outside 0-23 (-1 ends a list), twice listed, or none. */
    NACK_POLICY_BAD_HOURS,
    /** Refused with a NACK: a WORKLOAD policy whose workload is none of HIGH, MEDIUM, LOW. */
    NACK_POLICY_UNKNOWN_WORKLOAD,
    /** Refused with a NACK: nb_mac_to_monitor not 1-10, or a MAC that is zero or multicast. */
    NACK_POLICY_BAD_MAC,
    /** Refused with a NACK: a MAC the VM has no interface with. */
    NACK_POLICY_UNKNOWN_MAC,
    /** Refused with a NACK: traffic thresholds not ordered min <= avg <= max, or max 0. */
    NACK_POLICY_BAD_THRESHOLDS,
    /** Refused with a NACK: BRANCH_RATIO on a host without per-CPU branch counters. */
    NACK_POLICY_NO_BRANCH_COUNTERS,
    /** Refused with a NACK: the VM's policy was set by an operator or the configuration. */
    NACK_POLICY_HELD,
    /** Refused with a NACK: PKT_POLICY_REMOVE while the VM has no policy a guest set. */
    NACK_POLICY_NONE,
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
            NACK_POLICY_HOLDS,
            POLICY_ACKED,
            NACK_POLICY_UNSUPPORTED,
            NACK_POLICY_UNKNOWN_TYPE,
            NACK_POLICY_PHYSICAL_CORE,
            NACK_POLICY_BAD_VCPU,
            NACK_POLICY_BAD_HOURS,
            NACK_POLICY_UNKNOWN_WORKLOAD,
            NACK_POLICY_BAD_MAC,
            NACK_POLICY_UNKNOWN_MAC,
            NACK_POLICY_BAD_THRESHOLDS,
            NACK_POLICY_NO_BRANCH_COUNTERS,
            NACK_POLICY_HELD,
            NACK_POLICY_NONE,
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
