package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.PeerCredentials;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One VM of a {@link SimulatedHost}. Guarded by the host's lock. */
final class SimulatedVm {
  final String name;

  /** Per vCPU; null: unpinned (any host CPU). */
  final CpuSet[] pinning;

  final Map<Integer, SimulatedChannel> channels = new TreeMap<>();
  boolean running;
  long uid;
  long gid;
  long pid;
  boolean pidFixed;

  /** Whether the definition names the channels (virtio.serial.port.poweragent.N). */
  final boolean xmlChannels;

  // ---- what the host measures of it (see SimulatedLoads)
  /** Busy % of each vCPU at the highest non-turbo frequency of its pCPU. */
  final double[] load;

  /** Busy time of each vCPU since QEMU started, in ns (a double: no rounding drift). */
  final double[] busyNanos;

  final List<SimulatedInterface> interfaces = new ArrayList<>();

  SimulatedVm(ScenarioResolver.VmPlan plan, Path channelDir) {
    this.name = plan.name();
    this.pinning = new CpuSet[plan.vcpus()];
    if (plan.pinning() != null) {
      plan.pinning().toArray(pinning);
    }
    for (int n : plan.channels()) {
      channels.put(n, new SimulatedChannel(this, n, channelDir.resolve(name + "." + n)));
    }
    this.uid = plan.peerUid();
    this.gid = plan.peerGid();
    this.pid = plan.peerPid();
    this.pidFixed = plan.peerPid() > 0;
    this.xmlChannels = plan.xmlChannels();
    this.load = plan.load().clone();
    this.busyNanos = new double[plan.vcpus()];
  }

  int vcpus() {
    return pinning.length;
  }

  PeerCredentials peer() {
    return new PeerCredentials(uid, gid, pid);
  }
}
