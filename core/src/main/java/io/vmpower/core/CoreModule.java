package io.vmpower.core;

import com.google.inject.AbstractModule;
import io.vmpower.core.config.HostConfig;

/**
 * Binds the domain: registry, power manager, dispatcher, monitor, controller (all just-in-time
 * singletons) and the host's settings. A HAL module must bind {@code CpuFrequencies}, {@code
 * Hypervisor}, {@code ChannelTransport} and {@code Clock}.
 */
public final class CoreModule extends AbstractModule {
  private final HostConfig config;

  public CoreModule(HostConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(HostConfig.class).toInstance(config);
  }
}
