package io.vmpower.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.core.config.DriftSettings;
import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.metrics.HostTimers;

/**
 * Binds the domain: registry, power manager, dispatcher, monitor, the host's commands (all
 * just-in-time singletons) and the host's settings. A HAL module must bind {@code CpuFrequencies},
 * {@code Hypervisor}, {@code ChannelTransport} and {@code Clock}; it may set {@code EnergyCounters}
 * (default: none) through {@code OptionalBinder}. {@link HostTimers} default to recording nothing;
 * a metrics module sets them with {@code OptionalBinder.newOptionalBinder(binder,
 * HostTimers.class).setBinding()}; {@link DriftSettings} default to {@link DriftSettings#DEFAULTS}
 * and are set the same way.
 */
public final class CoreModule extends AbstractModule {
  private final HostConfig config;
  private final StateFile stateFile;

  /** The domain with no state file (settings are restored in-process only). */
  public CoreModule(HostConfig config) {
    this(config, StateFile.none());
  }

  public CoreModule(HostConfig config, StateFile stateFile) {
    this.config = config;
    this.stateFile = stateFile;
  }

  @Override
  protected void configure() {
    bind(HostConfig.class).toInstance(config);
    bind(StateFile.class).toInstance(stateFile);
    OptionalBinder.newOptionalBinder(binder(), HostTimers.class)
        .setDefault()
        .toInstance(HostTimers.NONE);
    OptionalBinder.newOptionalBinder(binder(), DriftSettings.class)
        .setDefault()
        .toInstance(DriftSettings.DEFAULTS);
    OptionalBinder.newOptionalBinder(binder(), EnergySettings.class)
        .setDefault()
        .toInstance(EnergySettings.DEFAULTS);
    OptionalBinder.newOptionalBinder(binder(), EnergyCounters.class)
        .setDefault()
        .toInstance(EnergyCounters.NONE);
  }
}
