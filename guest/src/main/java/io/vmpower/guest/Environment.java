package io.vmpower.guest;

import java.util.Locale;

/** Where the power library runs, and so how it changes frequencies. */
public enum Environment {
  /** Decide at the first {@code init}: HOST when cpufreq is usable, else VM when a port exists. */
  AUTO,
  /** On a host: scale CPUs through cpufreq directly. */
  HOST,
  /** In a VM: ask the host monitor over one virtio-serial port per lcore. */
  VM;

  /** The name used on command lines: {@code auto}, {@code host} or {@code vm}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code auto}, {@code host} or {@code vm} (any case). */
  public static Environment parse(String text) {
    String t = text == null ? "" : text.trim();
    for (Environment e : values()) {
      if (e.optionName().equalsIgnoreCase(t)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown environment '" + text + "': use auto, host (cpufreq) or vm (virtio-serial ports)");
  }
}
