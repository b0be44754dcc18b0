package io.vmpower.core;

import com.google.inject.AbstractModule;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.policy.GuestPolicies;
import io.vmpower.core.policy.PolicyPackets;

/**
 * Binds the domain: registry, power manager and arbiter, dispatcher, monitor, policy engine, the
 * host's commands (all just-in-time singletons) and the host's settings. A HAL module must bind
 * {@code CpuFrequencies}, {@code Hypervisor}, {@code ChannelTransport}, {@code VmStatistics} and
 * {@code Clock}.
 */
public final class CoreModule extends AbstractModule {
  private final HostConfig config;
  private final StateFile stateFile;
  private final PolicySettings policies;

  /** The domain with no state file (settings are restored in-process only). */
  public CoreModule(HostConfig config) {
    this(config, StateFile.none());
  }

  public CoreModule(HostConfig config, StateFile stateFile) {
    this(config, stateFile, PolicySettings.defaults());
  }

  public CoreModule(HostConfig config, StateFile stateFile, PolicySettings policies) {
    this.config = config;
    this.stateFile = stateFile;
    this.policies = policies;
  }

  @Override
  protected void configure() {
    bind(HostConfig.class).toInstance(config);
    bind(StateFile.class).toInstance(stateFile);
    bind(PolicySettings.class).toInstance(policies);
    bind(GuestPolicies.class).to(PolicyPackets.class);
  }
}
