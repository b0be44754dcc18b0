package io.vmpower.core.config;

import java.util.Objects;

/**
 * The configuration the host runs on, and where to read it again: replaced whole by each reload
 * that succeeds (with the keys that need a restart kept as they were). Thread-safe.
 */
public final class RunningConfig {
  private final ConfigSource source;
  private volatile VmPowerConfig current;

  public RunningConfig(ConfigSource source, VmPowerConfig initial) {
    this.source = Objects.requireNonNull(source, "source");
    this.current = Objects.requireNonNull(initial, "initial");
  }

  /** Not running from a configuration: the defaults, and nothing to reload. */
  public static RunningConfig none() {
    return new RunningConfig(ConfigSource.NONE, VmPowerConfig.defaults());
  }

  /** Whether the host runs from a configuration file (so that it can be reloaded). */
  public boolean fromFile() {
    return source != ConfigSource.NONE;
  }

  public ConfigSource source() {
    return source;
  }

  public VmPowerConfig current() {
    return current;
  }

  /** After a reload. */
  public void set(VmPowerConfig config) {
    this.current = Objects.requireNonNull(config, "config");
  }
}
