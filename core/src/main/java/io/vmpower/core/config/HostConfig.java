package io.vmpower.core.config;

import io.vmpower.core.vm.ChannelName;
import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Settings of the host program.
 *
 * @param channelDir the folder of channel sockets, {@code {vm}.{n}} ({@code /tmp/powermonitor})
 * @param wireFormat what guests speak ({@link WireFormat#DPDK})
 * @param maxChannelsPerVm channel numbers run 0 to this minus one (64, as the seed)
 * @param allowedPeerUid when set, only a peer with this uid may sit behind a channel socket
 * @param reattachMin first delay before re-attaching a hung-up channel (100 ms)
 * @param reattachMax longest delay between re-attach attempts (5 s)
 * @param outputQueueBytes replies kept per channel for a guest that does not read (64 KiB)
 * @param packetsPerTurn requests served per channel per loop turn, so no guest starves others (32)
 */
public record HostConfig(
    Path channelDir,
    WireFormat wireFormat,
    int maxChannelsPerVm,
    OptionalLong allowedPeerUid,
    Duration reattachMin,
    Duration reattachMax,
    int outputQueueBytes,
    int packetsPerTurn) {

  public static final Path DEFAULT_CHANNEL_DIR = Path.of("/tmp/powermonitor");

  public HostConfig {
    if (maxChannelsPerVm < 1 || maxChannelsPerVm > 4096) {
      throw new IllegalArgumentException(
          "max channels per VM must be 1-4096, got " + maxChannelsPerVm);
    }
    if (reattachMin.isNegative()
        || reattachMin.isZero()
        || reattachMax.compareTo(reattachMin) < 0) {
      throw new IllegalArgumentException("re-attach delays must be positive, min <= max");
    }
    if (outputQueueBytes < wireFormat.requestSize()) {
      throw new IllegalArgumentException("output queue must hold at least one reply");
    }
    if (packetsPerTurn < 1) {
      throw new IllegalArgumentException("packets per turn must be at least 1");
    }
  }

  /** The defaults, with the given channel folder. */
  public static HostConfig defaults(Path channelDir) {
    return new HostConfig(
        channelDir,
        WireFormat.DPDK,
        64,
        OptionalLong.empty(),
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        64 * 1024,
        32);
  }

  public HostConfig withWireFormat(WireFormat format) {
    return new HostConfig(
        channelDir,
        format,
        maxChannelsPerVm,
        allowedPeerUid,
        reattachMin,
        reattachMax,
        outputQueueBytes,
        packetsPerTurn);
  }

  public HostConfig withAllowedPeerUid(OptionalLong uid) {
    return new HostConfig(
        channelDir,
        wireFormat,
        maxChannelsPerVm,
        uid,
        reattachMin,
        reattachMax,
        outputQueueBytes,
        packetsPerTurn);
  }

  public HostConfig withMaxChannelsPerVm(int max) {
    return new HostConfig(
        channelDir,
        wireFormat,
        max,
        allowedPeerUid,
        reattachMin,
        reattachMax,
        outputQueueBytes,
        packetsPerTurn);
  }

  /** The socket path of channel {@code n} of {@code vm}: {@code {channelDir}/{vm}.{n}}. */
  public Path channelPath(String vm, int n) {
    return new ChannelName(vm, n).in(channelDir);
  }
}
