package io.vmpower.core.config;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code vms} section: which VMs the daemon manages and their settings.
 *
 * @param manage {@code auto} or a list of names and globs (see {@link ManagedVms}). Default {@code
 *     auto}
 * @param rescanSeconds how often every domain is read again, besides the hypervisor's events and
 *     the full reading after a lost connection comes back: a safety net, so it is rare (each
 *     reading asks libvirt a few calls per domain). Default 300
 * @param settings settings by VM name; a VM not listed has the defaults of {@link VmSettings}
 */
public record VmsSettings(
    ManagedVms manage, Integer rescanSeconds, Map<String, VmSettings> settings) {
  public static final int DEFAULT_RESCAN_SECONDS = 300;

  public VmsSettings {
    manage = manage == null ? ManagedVms.AUTO : manage;
    rescanSeconds =
        ConfigChecks.range(
            "rescan-seconds",
            rescanSeconds == null ? DEFAULT_RESCAN_SECONDS : rescanSeconds,
            1,
            86_400);
    Map<String, VmSettings> copy = new TreeMap<>();
    if (settings != null) {
      settings.forEach(
          (name, s) -> {
            if (name == null || name.isEmpty() || name.contains("/")) {
              throw new ConfigValueException(
                  "settings", "'" + name + "' is not a VM name: non-empty, without '/'");
            }
            copy.put(name, s == null ? VmSettings.defaults() : s);
          });
    }
    settings = Collections.unmodifiableMap(copy);
  }

  public static VmsSettings defaults() {
    return new VmsSettings(null, null, null);
  }

  /** The settings of VM {@code name}: its own, or the defaults. */
  public VmSettings of(String name) {
    return settings.getOrDefault(name, VmSettings.defaults());
  }
}
