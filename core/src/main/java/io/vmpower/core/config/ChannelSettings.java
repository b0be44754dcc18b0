package io.vmpower.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code channels} section: where channel sockets may be, who may sit behind them, how many a
 * VM may have. An absent key takes its default.
 *
 * @param folder the folder of the {@code {vm}.{n}} convention ({@code add_channels VM all}, and the
 *     daemon's VMs whose domain XML names no power channel); always an allowed folder. Default
 *     {@code /tmp/powermonitor}
 * @param allowedFolders further folders whose sockets a domain XML may name (at any depth); a
 *     socket elsewhere is refused and reported. Default {@code
 *     /var/lib/libvirt/qemu/channel/target} (where libvirt puts the sockets it names itself)
 * @param allowedPeerUids the uids a channel's peer (QEMU) may run as; empty: any. Default empty
 * @param maxPerVm channel numbers run 0 to this minus one. Default 64
 */
public record ChannelSettings(
    Path folder, List<Path> allowedFolders, List<Long> allowedPeerUids, Integer maxPerVm) {

  public static final Path DEFAULT_FOLDER = HostConfig.DEFAULT_CHANNEL_DIR;
  public static final Path LIBVIRT_CHANNEL_FOLDER = Path.of("/var/lib/libvirt/qemu/channel/target");
  public static final int DEFAULT_MAX_PER_VM = 64;

  /** The largest uid Linux has: (uid_t) -1 means "no uid". */
  static final long MAX_UID = 4_294_967_294L;

  public ChannelSettings {
    folder = ConfigChecks.absolutePath("folder", folder == null ? DEFAULT_FOLDER : folder);
    List<Path> folders = new ArrayList<>();
    for (Path p :
        ConfigChecks.list(
            "allowed-folders",
            allowedFolders == null ? List.of(LIBVIRT_CHANNEL_FOLDER) : allowedFolders)) {
      folders.add(ConfigChecks.absolutePath("allowed-folders", p));
    }
    allowedFolders = List.copyOf(folders);
    Set<Long> uids = new TreeSet<>();
    for (Long uid :
        ConfigChecks.list(
            "allowed-peer-uids", allowedPeerUids == null ? List.of() : allowedPeerUids)) {
      if (uid < 0 || uid > MAX_UID) {
        throw new ConfigValueException(
            "allowed-peer-uids", uid + " is not a uid; accepted: 0 to " + MAX_UID);
      }
      uids.add(uid);
    }
    allowedPeerUids = List.copyOf(uids);
    maxPerVm =
        ConfigChecks.range(
            "max-per-vm",
            maxPerVm == null ? DEFAULT_MAX_PER_VM : maxPerVm,
            1,
            HostConfig.MAX_CHANNELS);
  }

  /** Every default. */
  public static ChannelSettings defaults() {
    return new ChannelSettings(null, null, null, null);
  }

  public ChannelSettings withFolder(Path value) {
    return new ChannelSettings(value, allowedFolders, allowedPeerUids, maxPerVm);
  }

  public ChannelSettings withAllowedPeerUids(List<Long> value) {
    return new ChannelSettings(folder, allowedFolders, value, maxPerVm);
  }

  public ChannelSettings withMaxPerVm(int value) {
    return new ChannelSettings(folder, allowedFolders, allowedPeerUids, value);
  }
}
