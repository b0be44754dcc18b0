package io.vmpower.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.service.Service;

/**
 * Binds the domain: registry, power manager, dispatcher, monitor, the host's commands, the daemon's
 * parts (all just-in-time singletons), the host's settings and the running configuration. A HAL
 * module must bind {@code CpuFrequencies}, {@code Hypervisor}, {@code ChannelTransport}, {@code
 * ServiceNotifier} and {@code Clock}.
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
  }
}
