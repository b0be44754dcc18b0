package io.vmpower.core.policy;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * DPDK's policy packets, validated like every guest input and handed to the {@link PolicyEngine}.
 * The policy is keyed by the channel's VM, whatever {@code vm_name} says. Each refusal is counted
 * under its own reason (in this order of checks):
 *
 * <ol>
 *   <li>the 16-byte legacy protocol carries no policy: {@code nack_policy_unsupported};
 *   <li>{@code core_type} physical: {@code nack_policy_physical_core};
 *   <li>{@code policy_to_use} none of 0-3: {@code nack_policy_unknown_type};
 *   <li>{@code num_vcpu} not 1-8, or a {@code vcpu_to_control} entry that is not a vCPU of the VM:
 *       {@code nack_policy_bad_vcpu};
 *   <li>WORKLOAD: {@code workload} none of 0-2: {@code nack_policy_unknown_workload};
 *   <li>TIME: an hour entry outside -1..23, an hour in two lists, or no hour at all: {@code
 *       nack_policy_bad_hours}. A list is its entries up to the first -1; without a -1, trailing
 *       zeros are padding (DPDK's zeroed packet must not mean "midnight"), so midnight is listed
 *       before another hour or before a -1;
 *   <li>TRAFFIC (and TIME with traffic hours): {@code nb_mac_to_monitor} not 1-10, or a MAC that is
 *       zero or multicast: {@code nack_policy_bad_mac}; a MAC the VM has no interface with: {@code
 *       nack_policy_unknown_mac}; thresholds not min <= avg <= max with max > 0: {@code
 *       nack_policy_bad_thresholds};
 *   <li>BRANCH_RATIO without per-CPU branch counters: {@code nack_policy_no_branch_counters};
 *   <li>a policy set by an operator or the configuration: {@code nack_policy_held}.
 * </ol>
 *
 * PKT_POLICY_REMOVE removes a policy a guest set ({@code nack_policy_none} when there is none).
 */
@Singleton
public final class PolicyPackets implements GuestPolicies {
  static final int MAX_MACS = Wire.MAX_VFS;

  private final PolicyEngine engine;
  private final PolicySettings settings;

  @Inject
  public PolicyPackets(PolicyEngine engine) {
    this.engine = engine;
    this.settings = engine.settings();
  }

  @Override
  public PolicyVerdict onPacket(
      Vm vm, WireFormat format, ByteBuffer packets, int base, boolean remove) {
    if (format == WireFormat.LEGACY) {
      return new PolicyVerdict(
          Counter.NACK_POLICY_UNSUPPORTED, "the 16-byte legacy protocol carries no policy");
    }
    if (remove) {
      return engine.removeFromGuest(vm);
    }
    Decoded d = decode(vm, packets, base);
    if (d.verdict != null) {
      return d.verdict;
    }
    return engine.installFromGuest(vm, d.rule);
  }

  /** A decoded packet: the rule, or why it is refused. */
  record Decoded(VmPolicy rule, PolicyVerdict verdict) {
    static Decoded refuse(Counter c, String message) {
      return new Decoded(null, new PolicyVerdict(c, message));
    }
  }

  /** Decodes and checks the PKT_POLICY at {@code base} for {@code vm}. */
  Decoded decode(Vm vm, ByteBuffer buf, int base) {
    if (PowerRequestCodec.physicalCore(buf, base)) {
      return Decoded.refuse(
          Counter.NACK_POLICY_PHYSICAL_CORE,
          "core_type physical refused: a policy names the VM's own vCPUs");
    }
    int type = buf.getInt(base + Wire.OFF_POLICY_TO_USE);
    Policy.Kind kind = Policy.Kind.ofDpdk(type);
    if (kind == null) {
      return Decoded.refuse(
          Counter.NACK_POLICY_UNKNOWN_TYPE,
          "policy_to_use "
              + Integer.toUnsignedString(type)
              + " is unknown: 0 TRAFFIC, 1 TIME, 2 WORKLOAD, 3 BRANCH_RATIO");
    }
    int numVcpu = buf.get(base + Wire.OFF_NUM_VCPU) & 0xFF;
    if (numVcpu < 1 || numVcpu > Wire.MAX_VCPU_PER_REPLY) {
      return Decoded.refuse(Counter.NACK_POLICY_BAD_VCPU, "num_vcpu " + numVcpu + " must be 1-8");
    }
    List<Integer> vcpus = new ArrayList<>();
    for (int i = 0; i < numVcpu; i++) {
      int v = buf.get(base + Wire.OFF_VCPU_TO_CONTROL + i) & 0xFF;
      if (v >= vm.vcpuCount()) {
        return Decoded.refuse(
            Counter.NACK_POLICY_BAD_VCPU,
            "vcpu_to_control["
                + i
                + "] = "
                + v
                + ": VM '"
                + vm.name()
                + "' has "
                + vm.vcpuCount()
                + " vCPUs");
      }
      vcpus.add(v);
    }
    Policy policy;
    switch (kind) {
      case WORKLOAD -> {
        int w = buf.getInt(base + Wire.OFF_WORKLOAD);
        FrequencyLevel level =
            switch (w) {
              case 0 -> FrequencyLevel.MAX;
              case 1 -> FrequencyLevel.MEDIUM;
              case 2 -> FrequencyLevel.MIN;
              default -> null;
            };
        if (level == null) {
          return Decoded.refuse(
              Counter.NACK_POLICY_UNKNOWN_WORKLOAD,
              "workload " + Integer.toUnsignedString(w) + " is unknown: 0 HIGH, 1 MEDIUM, 2 LOW");
        }
        policy = new Policy.Workload(level);
      }
      case TRAFFIC -> {
        Object t = traffic(vm, buf, base);
        if (t instanceof Decoded refused) {
          return refused;
        }
        policy = (Policy.Traffic) t;
      }
      case TIME -> {
        List<List<Integer>> lists = new ArrayList<>();
        String[] names = {"busy_hours", "quiet_hours", "hours_to_use_traffic_profile"};
        for (int l = 0; l < 3; l++) {
          int at = base + Wire.OFF_TIMER_POLICY + 4 * Wire.HOURS * l;
          int[] entries = new int[Wire.HOURS];
          for (int h = 0; h < Wire.HOURS; h++) {
            entries[h] = buf.getInt(at + 4 * h);
          }
          Object list = hourList(names[l], entries);
          if (list instanceof Decoded refused) {
            return refused;
          }
          @SuppressWarnings("unchecked")
          List<Integer> hours = (List<Integer>) list;
          lists.add(hours);
        }
        Policy.Traffic traffic = null;
        if (!lists.get(2).isEmpty()) {
          Object t = traffic(vm, buf, base);
          if (t instanceof Decoded refused) {
            return refused;
          }
          traffic = (Policy.Traffic) t;
        }
        try {
          policy = new Policy.Time(lists.get(0), lists.get(1), lists.get(2), traffic);
        } catch (IllegalArgumentException e) {
          return Decoded.refuse(Counter.NACK_POLICY_BAD_HOURS, e.getMessage());
        }
      }
      case BRANCH_RATIO -> policy = new Policy.BranchRatio(0.1);
      default -> throw new IllegalStateException("not a DPDK kind: " + kind);
    }
    return new Decoded(new VmPolicy(policy, vcpus, PolicySource.GUEST, true), null);
  }

  /**
   * One of the three hour lists: its entries up to the first -1, or without a -1 up to the last
   * non-zero entry. Every entry must be -1..23.
   */
  static Object hourList(String name, int[] entries) {
    for (int i = 0; i < entries.length; i++) {
      if (entries[i] < -1 || entries[i] > 23) {
        return Decoded.refuse(
            Counter.NACK_POLICY_BAD_HOURS,
            name
                + "["
                + i
                + "] = "
                + entries[i]
                + ": hours are 0-23 (-1 ends a list; trailing zeros are padding)");
      }
    }
    int end = 0;
    while (end < entries.length && entries[end] != -1) {
      end++;
    }
    if (end == entries.length) { // no -1: trailing zeros are padding
      while (end > 0 && entries[end - 1] == 0) {
        end--;
      }
    }
    List<Integer> hours = new ArrayList<>();
    for (int i = 0; i < end; i++) {
      if (entries[i] >= 0 && !hours.contains(entries[i])) {
        hours.add(entries[i]);
      }
    }
    return hours;
  }

  /** The traffic part of a packet: a {@link Policy.Traffic} or a refusal. */
  private Object traffic(Vm vm, ByteBuffer buf, int base) {
    int nb = buf.getInt(base + Wire.OFF_NB_MAC);
    if (nb < 1 || nb > MAX_MACS) {
      return Decoded.refuse(
          Counter.NACK_POLICY_BAD_MAC, "nb_mac_to_monitor " + nb + " must be 1-" + MAX_MACS);
    }
    List<MacAddress> macs = new ArrayList<>();
    for (int i = 0; i < nb; i++) {
      MacAddress mac = MacAddress.fromDpdkVfid(buf.getLong(base + Wire.OFF_VFID + 8 * i));
      if (!mac.isUnicast()) {
        return Decoded.refuse(
            Counter.NACK_POLICY_BAD_MAC,
            "vfid[" + i + "] = " + mac + " is not a NIC's address (zero, multicast or broadcast)");
      }
      if (vm.interfaceOf(mac) == null) {
        return Decoded.refuse(
            Counter.NACK_POLICY_UNKNOWN_MAC,
            "VM '" + vm.name() + "' has no interface with MAC " + mac);
      }
      if (!macs.contains(mac)) {
        macs.add(mac);
      }
    }
    long min = Integer.toUnsignedLong(buf.getInt(base + Wire.OFF_TRAFFIC_POLICY));
    long avg = Integer.toUnsignedLong(buf.getInt(base + Wire.OFF_TRAFFIC_POLICY + 4));
    long max = Integer.toUnsignedLong(buf.getInt(base + Wire.OFF_TRAFFIC_POLICY + 8));
    if (!(min <= avg && avg <= max && max > 0)) {
      return Decoded.refuse(
          Counter.NACK_POLICY_BAD_THRESHOLDS,
          "traffic thresholds must be min <= avg_max <= max_max, max_max > 0; got "
              + min
              + ", "
              + avg
              + ", "
              + max);
    }
    return new Policy.Traffic(macs, min, avg, max, settings.trafficPeriod());
  }
}
