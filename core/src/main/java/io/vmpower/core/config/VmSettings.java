package io.vmpower.core.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of one VM, under {@code vms.settings.NAME}.
 *
 * @param queries whether the VM may ask for frequencies and capabilities (as {@code set_query VM
 *     enable}). Default false
 * @param disabledChannels channels that read and drop their requests (as {@code set_channel_status
 *     VM N disabled}). Default none
 */
public record VmSettings(Boolean queries, List<Integer> disabledChannels) {
  public VmSettings {
    queries = queries != null && queries;
    Set<Integer> numbers = new TreeSet<>();
    for (Integer n :
        ConfigChecks.list(
            "disabled-channels", disabledChannels == null ? List.of() : disabledChannels)) {
      numbers.add(ConfigChecks.range("disabled-channels", n, 0, HostConfig.MAX_CHANNELS - 1));
    }
    disabledChannels = List.copyOf(numbers);
  }

  /** A VM without settings of its own. */
  public static VmSettings defaults() {
    return new VmSettings(null, null);
  }

  public boolean channelDisabled(int n) {
    return disabledChannels.contains(n);
  }
}
