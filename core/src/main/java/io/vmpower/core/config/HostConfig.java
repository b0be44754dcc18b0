package io.vmpower.core.config;

import io.vmpower.core.vm.ChannelName;
import io.vmpower.core.wire.WireFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of the host program as it starts; those that a reload may change later are kept live by
 * {@link ChannelRules}.
 *
 * @param channelDir the folder of channel sockets, {@code {vm}.{n}} ({@code /tmp/powermonitor})
 * @param wireFormat what guests speak ({@link WireFormat#DPDK})
 * @param maxChannelsPerVm channel numbers run 0 to this minus one (64, as the seed)
 * @param allowedPeerUids the uids a peer behind a channel socket may have; empty: any
 * @param allowedChannelDirs besides {@code channelDir}, the folders a channel socket the daemon
 *     finds in a domain XML may be in (none)
 * @param reattachMin first delay before re-attaching a hung-up channel (100 ms)
 * @param reattachMax longest delay between re-attach attempts (5 s)
 * @param outputQueueBytes replies kept per channel for a guest that does not read (64 KiB)
 * @param packetsPerTurn requests served per channel per loop turn, so no guest starves others (32)
 */
public record HostConfig(
    Path channelDir,
    WireFormat wireFormat,
    int maxChannelsPerVm,
    Set<Long> allowedPeerUids,
    List<Path> allowedChannelDirs,
    Duration reattachMin,
    Duration reattachMax,
    int outputQueueBytes,
    int packetsPerTurn) {

  public static final Path DEFAULT_CHANNEL_DIR = Path.of("/tmp/powermonitor");

  /** The most channels a VM may have: numbers 0 to 4095. */
  public static final int MAX_CHANNELS = 4096;

  public HostConfig {
    if (maxChannelsPerVm < 1 || maxChannelsPerVm > MAX_CHANNELS) {
      throw new IllegalArgumentException(
          "max channels per VM must be 1-" + MAX_CHANNELS + ", got " + maxChannelsPerVm);
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
    allowedPeerUids = Set.copyOf(new TreeSet<>(allowedPeerUids));
    allowedChannelDirs = List.copyOf(allowedChannelDirs);
  }

  /** The defaults, with the given channel folder. */
  public static HostConfig defaults(Path channelDir) {
    return new HostConfig(
        channelDir,
        WireFormat.DPDK,
        64,
        Set.of(),
        List.of(),
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        64 * 1024,
        32);
  }

  /**
   * The settings of a configuration file, with {@code channelDir} as the channel folder (the
   * file's, or the simulated host's own).
   */
  public static HostConfig from(VmPowerConfig file, Path channelDir) {
    return defaults(channelDir)
        .withWireFormat(file.wireFormat())
        .withMaxChannelsPerVm(file.channels().maxPerVm())
        .withAllowedPeerUids(Set.copyOf(file.channels().allowedPeerUids()))
        .withAllowedChannelDirs(file.channels().allowedFolders());
  }

  public HostConfig withWireFormat(WireFormat format) {
    return new HostConfig(
        channelDir,
        format,
        maxChannelsPerVm,
        allowedPeerUids,
        allowedChannelDirs,
        reattachMin,
        reattachMax,
        outputQueueBytes,
        packetsPerTurn);
  }

  public HostConfig withAllowedPeerUids(Set<Long> uids) {
    return new HostConfig(
        channelDir,
        wireFormat,
        maxChannelsPerVm,
        uids,
        allowedChannelDirs,
        reattachMin,
        reattachMax,
        outputQueueBytes,
        packetsPerTurn);
  }

  public HostConfig withAllowedChannelDirs(List<Path> dirs) {
    return new HostConfig(
        channelDir,
        wireFormat,
        maxChannelsPerVm,
        allowedPeerUids,
        dirs,
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
        allowedPeerUids,
        allowedChannelDirs,
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
