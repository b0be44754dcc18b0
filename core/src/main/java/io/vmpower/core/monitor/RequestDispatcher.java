package io.vmpower.core.monitor;

import io.vmpower.core.hal.Clock;
import io.vmpower.core.policy.GuestPolicies;
import io.vmpower.core.policy.PolicyVerdict;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.power.ScaleOutcome;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one guest request read from a channel and writes the reply, applying the security rules:
 *
 * <ul>
 *   <li>resource_id must be a vCPU of the VM that owns the channel, else NACK and nothing scaled;
 *   <li>core_type = physical from a guest is refused with a NACK;
 *   <li>queries are answered about the channel's own VM only, whatever vm_name the packet carries,
 *       and only when queries are enabled for it (else no reply, as DPDK does: a 464-byte NACK
 *       would misalign a DPDK guest that reads 88 bytes);
 *   <li>list replies carry the first 8 vCPUs at most; every reply byte is written.
 * </ul>
 *
 * CONNECT is served with no reply; PKT_POLICY and PKT_POLICY_REMOVE are validated and served by the
 * {@link GuestPolicies} (ACK, or a NACK counted under its reason). A scale request sets the VM's
 * demand on the vCPU's pCPUs through the {@link PowerArbiter}, unless the VM's policy holds that
 * vCPU ({@code guests=deny}). In the legacy protocol nothing is ever replied. Allocation-free for
 * scale requests.
 *
 * <p>Refusals are logged through the channel's {@link RefusalLog}: a few lines per second per
 * channel, then one summary line, so a flood of bad packets cannot flood the log.
 */
@Singleton
public final class RequestDispatcher {
  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

  private final PowerManager power;
  private final PowerArbiter arbiter;
  private final GuestPolicies policies;
  private final Clock clock;

  /** For channels served without a monitor (tests): one rate limit shared by all. */
  private final RefusalLog sharedRefusals = new RefusalLog();

  private final long[] freqScratch = new long[Wire.MAX_VCPU_PER_REPLY];
  private final boolean[] turboScratch = new boolean[Wire.MAX_VCPU_PER_REPLY];
  private final boolean[] priorityScratch = new boolean[Wire.MAX_VCPU_PER_REPLY];

  /** The rate limit of the request being served (monitor thread only). */
  private RefusalLog refusals = sharedRefusals;

  @Inject
  public RequestDispatcher(PowerArbiter arbiter, GuestPolicies policies, Clock clock) {
    this.arbiter = arbiter;
    this.power = arbiter.power();
    this.policies = policies;
    this.clock = clock;
  }

  /** A dispatcher with no policies (policy packets are refused). */
  public RequestDispatcher(PowerManager power, Clock clock) {
    this(new PowerArbiter(power, clock), GuestPolicies.NONE, clock);
  }

  /** A dispatcher on the system clock, with no policies (policy packets are refused). */
  public RequestDispatcher(PowerManager power) {
    this(power, Clock.SYSTEM);
  }

  /**
   * Serves the request at {@code base} of {@code packets} (little-endian) read from {@code
   * channel}, writing any reply at the position of {@code out} when it has room (else the reply is
   * dropped and counted). Counts the request's outcome in the channel's stats. Called on the
   * monitor thread only.
   */
  public void dispatch(
      Channel channel, WireFormat format, ByteBuffer packets, int base, ByteBuffer out) {
    dispatch(channel, format, packets, base, out, sharedRefusals);
  }

  /**
   * As {@link #dispatch(Channel, WireFormat, ByteBuffer, int, ByteBuffer)}, logging refusals within
   * the rate limit of the channel's {@code refusals}.
   */
  public void dispatch(
      Channel channel,
      WireFormat format,
      ByteBuffer packets,
      int base,
      ByteBuffer out,
      RefusalLog refusals) {
    this.refusals = refusals;
    ChannelStats stats = channel.stats();
    Vm vm = channel.vm();
    int command = PowerRequestCodec.command(packets, base);
    switch (command) {
      case Wire.CPU_POWER_CONNECT -> stats.increment(Counter.CONNECTS);
      case Wire.CPU_POWER -> scale(channel, vm, format, packets, base, out);
      case Wire.QUERY_FREQ, Wire.QUERY_FREQ_LIST, Wire.QUERY_CAPS, Wire.QUERY_CAPS_LIST ->
          query(channel, vm, format, command, packets, base, out);
      case Wire.PKT_POLICY, Wire.PKT_POLICY_REMOVE ->
          policy(channel, vm, format, packets, base, out, command == Wire.PKT_POLICY_REMOVE);
      default -> {
        if (logs(channel)) {
          log.warn("{}: unknown command {} refused", channel, Integer.toUnsignedString(command));
        }
        nack(channel, format, packets, base, out, Counter.NACK_UNKNOWN_COMMAND);
      }
    }
  }

  private void scale(
      Channel channel, Vm vm, WireFormat format, ByteBuffer packets, int base, ByteBuffer out) {
    ScaleOp op = ScaleOp.fromUnit(PowerRequestCodec.unit(packets, base));
    if (op == null) {
      if (logs(channel)) {
        log.warn(
            "{}: unknown unit {} refused",
            channel,
            Integer.toUnsignedString(PowerRequestCodec.unit(packets, base)));
      }
      nack(channel, format, packets, base, out, Counter.NACK_UNKNOWN_UNIT);
      return;
    }
    if (format == WireFormat.DPDK && PowerRequestCodec.physicalCore(packets, base)) {
      if (logs(channel)) {
        log.warn("{}: core_type physical refused: a guest may only name its own vCPUs", channel);
      }
      nack(channel, format, packets, base, out, Counter.NACK_PHYSICAL_CORE);
      return;
    }
    long vcpu = PowerRequestCodec.resourceId(packets, base);
    if (vcpu < 0 || vcpu >= vm.vcpuCount()) {
      if (logs(channel)) {
        log.warn(
            "{}: vCPU {} refused: VM '{}' has {} vCPUs",
            channel,
            Long.toUnsignedString(vcpu),
            vm.name(),
            vm.vcpuCount());
      }
      nack(channel, format, packets, base, out, Counter.NACK_UNKNOWN_VCPU);
      return;
    }
    if (vm.policyHolds((int) vcpu)) {
      if (logs(channel)) {
        log.info(
            "{}: scale of vCPU {} refused: the policy of VM '{}' holds it (guests=deny)",
            channel,
            vcpu,
            vm.name());
      }
      nack(channel, format, packets, base, out, Counter.NACK_POLICY_HOLDS);
      return;
    }
    ScaleOutcome outcome = arbiter.request(vm, (int) vcpu, op);
    if (outcome == ScaleOutcome.FAILED) {
      nack(channel, format, packets, base, out, Counter.NACK_SCALE_FAILED);
      return;
    }
    if (format.hasReplies()) {
      reply(channel, out, Wire.REQUEST_SIZE);
      if (out.remaining() >= Wire.REQUEST_SIZE) {
        ReplyCodec.writeAckNack(packets, base, true, out);
      }
      channel.stats().increment(Counter.ACKED);
    } else {
      channel.stats().increment(Counter.LEGACY_SERVED);
    }
  }

  private void policy(
      Channel channel,
      Vm vm,
      WireFormat format,
      ByteBuffer packets,
      int base,
      ByteBuffer out,
      boolean remove) {
    PolicyVerdict verdict;
    try {
      verdict = policies.onPacket(vm, format, packets, base, remove);
    } catch (RuntimeException e) {
      log.error("{}: policy packet failed: {}", channel, e.toString(), e);
      nack(channel, format, packets, base, out, Counter.NACK_POLICY_UNSUPPORTED);
      return;
    }
    if (!verdict.acked()) {
      if (logs(channel)) {
        log.warn("{}: policy refused: {}", channel, verdict.message());
      }
      nack(channel, format, packets, base, out, verdict.counter());
      return;
    }
    if (format.hasReplies()) {
      reply(channel, out, Wire.REQUEST_SIZE);
      if (out.remaining() >= Wire.REQUEST_SIZE) {
        ReplyCodec.writeAckNack(packets, base, true, out);
      }
    }
    channel.stats().increment(Counter.POLICY_ACKED);
  }

  private void query(
      Channel channel,
      Vm vm,
      WireFormat format,
      int command,
      ByteBuffer packets,
      int base,
      ByteBuffer out) {
    if (!format.hasReplies()) {
      channel.stats().increment(Counter.LEGACY_SERVED);
      return;
    }
    if (!vm.queryEnabled()) {
      if (logs(channel)) {
        log.info(
            "{}: query refused: queries are disabled for VM '{}' (set_query {} enable)",
            channel,
            vm.name(),
            vm.name());
      }
      channel.stats().increment(Counter.REFUSED_QUERY_DISABLED);
      return;
    }
    boolean list = command == Wire.QUERY_FREQ_LIST || command == Wire.QUERY_CAPS_LIST;
    long resource = PowerRequestCodec.resourceId(packets, base);
    int unit = PowerRequestCodec.unit(packets, base);
    int count;
    int first;
    if (list) {
      first = 0;
      count = Math.min(vm.vcpuCount(), Wire.MAX_VCPU_PER_REPLY);
    } else {
      if (resource < 0 || resource >= vm.vcpuCount()) {
        if (logs(channel)) {
          log.warn(
              "{}: query of vCPU {} refused: VM '{}' has {} vCPUs",
              channel,
              Long.toUnsignedString(resource),
              vm.name(),
              vm.vcpuCount());
        }
        channel.stats().increment(Counter.REFUSED_QUERY_BAD_VCPU);
        return;
      }
      first = (int) resource;
      count = 1;
    }
    boolean freq = command == Wire.QUERY_FREQ || command == Wire.QUERY_FREQ_LIST;
    int size = freq ? Wire.FREQ_LIST_SIZE : Wire.CAPS_LIST_SIZE;
    for (int i = 0; i < count; i++) {
      fill(vm, freq, i, first + i);
    }
    if (!list) {
      // DPDK's host answers a single query at the vCPU's own index, and DPDK guests read it
      // there; entry 0 carries it too, for guests that read the first entry.
      if (first < Wire.MAX_VCPU_PER_REPLY && first > 0) {
        clearScratch(1, first);
        fill(vm, freq, first, first);
        count = first + 1;
      }
    }
    reply(channel, out, size);
    if (out.remaining() >= size) {
      if (freq) {
        ReplyCodec.writeFreqList(out, resource, unit, vm.name(), freqScratch, count);
      } else {
        ReplyCodec.writeCapsList(
            out, resource, unit, vm.name(), turboScratch, priorityScratch, count);
      }
    }
    channel.stats().increment(Counter.ANSWERED);
  }

  private void nack(
      Channel channel,
      WireFormat format,
      ByteBuffer packets,
      int base,
      ByteBuffer out,
      Counter reason) {
    channel.stats().increment(reason);
    if (format.hasReplies()) {
      reply(channel, out, Wire.REQUEST_SIZE);
      if (out.remaining() >= Wire.REQUEST_SIZE) {
        ReplyCodec.writeAckNack(packets, base, false, out);
      }
    }
  }

  /** Whether this refusal may be logged under the channel's rate limit. */
  private boolean logs(Channel channel) {
    return refusals.admit(channel, clock.nanoTime());
  }

  /** Counts (and logs, within the rate limit) a reply that will not fit the output queue. */
  private void reply(Channel channel, ByteBuffer out, int size) {
    if (out.remaining() < size) {
      channel.stats().increment(Counter.REPLIES_DROPPED);
      if (logs(channel)) {
        log.warn(
            "{}: reply dropped: the guest does not read its replies ({} bytes wait for it)",
            channel,
            out.position());
      }
    }
  }

  /** Puts the frequency or capabilities of {@code vcpu}'s first pCPU at {@code slot}. */
  private void fill(Vm vm, boolean freq, int slot, int vcpu) {
    int pcpu = vm.pinning(vcpu).first();
    boolean known = pcpu >= 0 && power.controls(pcpu);
    if (freq) {
      freqScratch[slot] = known ? power.currentKhz(pcpu) : 0;
    } else {
      turboScratch[slot] = known && power.frequencies().capabilities(pcpu).turbo();
      priorityScratch[slot] = known && power.frequencies().capabilities(pcpu).priorityCore();
    }
  }

  private void clearScratch(int from, int to) {
    for (int i = from; i < to; i++) {
      freqScratch[i] = 0;
      turboScratch[i] = false;
      priorityScratch[i] = false;
    }
  }
}
