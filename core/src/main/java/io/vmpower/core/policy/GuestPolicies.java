package io.vmpower.core.policy;

import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;

/**
 * Where the channel monitor hands a guest's PKT_POLICY and PKT_POLICY_REMOVE packets. It must not
 * block: it validates the packet against what the host already knows of the VM and installs or
 * removes the policy; evaluations run elsewhere.
 */
public interface GuestPolicies {

  /**
   * Serves the policy packet at {@code base} of a little-endian buffer, read from a channel of
   * {@code vm}; {@code remove} for PKT_POLICY_REMOVE.
   */
  PolicyVerdict onPacket(Vm vm, WireFormat format, ByteBuffer packets, int base, boolean remove);

  /** No policy engine: every policy packet is refused. */
  GuestPolicies NONE =
      (vm, format, packets, base, remove) ->
          new PolicyVerdict(Counter.NACK_POLICY_UNSUPPORTED, "this host runs no policies");
}
