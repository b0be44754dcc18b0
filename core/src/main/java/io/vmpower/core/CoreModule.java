package io.vmpower.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.core.config.DriftSettings;
import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.policy.GuestPolicies;
import io.vmpower.core.policy.PolicyPackets;
import io.vmpower.core.service.Service;

/**
 * Binds the domain: registry, power manager and arbiter, dispatcher, monitor, policy engine, the
 * host's commands, the daemon's parts (all just-in-time singletons), the host's settings and the
 * running configuration. A HAL module must bind {@code CpuFrequencies}, {@code Hypervisor}, {@code
 * ChannelTransport}, {@code VmStatistics}, {@code ServiceNotifier} and {@code Clock}; it may set
 * {@code EnergyCounters} (default: none) through {@code OptionalBinder}. {@link HostTimers} default
 * to recording nothing; a metrics module sets them with {@code
 * OptionalBinder.newOptionalBinder(binder, HostTimers.class).setBinding()}; {@link DriftSettings}
 * default to {@link DriftSettings#DEFAULTS} and are set the same way, as are {@link PolicySettings}
 * (default: {@link PolicySettings#defaults()}).
 *
 * <p>The daemon's {@link Service}s (started after the VMs are managed, before the service manager
 * hears READY=1) are a set: another module adds one with {@code Multibinder.newSetBinder(binder(),
 * Service.class).addBinding().to(...)}.
 */
public final class CoreModule extends AbstractModule {
  private final HostConfig config;
  private final StateFile stateFile;
  private final RunningConfig running;

  /** The domain with no state file (settings are restored in-process only). */
  public CoreModule(HostConfig config) {
    this(config, StateFile.none());
  }

  /** Not running from a configuration file. */
  public CoreModule(HostConfig config, StateFile stateFile) {
    this(config, stateFile, RunningConfig.none());
  }

  public CoreModule(HostConfig config, StateFile stateFile, RunningConfig running) {
    this.config = config;
    this.stateFile = stateFile;
    this.running = running;
  }

  @Override
  protected void configure() {
    bind(HostConfig.class).toInstance(config);
    bind(StateFile.class).toInstance(stateFile);
    bind(RunningConfig.class).toInstance(running);
    Multibinder.newSetBinder(binder(), Service.class);
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
    OptionalBinder.newOptionalBinder(binder(), PolicySettings.class)
        .setDefault()
        .toInstance(PolicySettings.defaults());
    bind(GuestPolicies.class).to(PolicyPackets.class);
  }
}
