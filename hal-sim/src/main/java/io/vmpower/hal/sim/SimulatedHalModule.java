package io.vmpower.hal.sim;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.ControlSocket;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.ServiceNotifier;
import io.vmpower.core.hal.VmStatistics;
import java.nio.file.Path;

/**
 * Binds every HAL interface to a view of one {@link SimulatedHost} (the control socket to an
 * in-memory {@link SimulatedControlSocket}), and the host itself so that tests and the demo can
 * drive it; the service manager is a {@link SimulatedServiceNotifier} that records what it was
 * told.
 */
public final class SimulatedHalModule extends AbstractModule {
  private final SimulatedHost host;
  private final SimulatedServiceNotifier notifier;

  public SimulatedHalModule(Scenario scenario, Path channelDir) {
    this(new SimulatedHost(scenario, channelDir));
  }

  public SimulatedHalModule(SimulatedHost host) {
    this(host, new SimulatedServiceNotifier());
  }

  /** With a service manager of the caller's (e.g. one that asks for a watchdog). */
  public SimulatedHalModule(SimulatedHost host, SimulatedServiceNotifier notifier) {
    this.host = host;
    this.notifier = notifier;
  }

  @Override
  protected void configure() {
    bind(SimulatedHost.class).toInstance(host);
    bind(Clock.class).toInstance(host.clock());
    bind(SimulatedServiceNotifier.class).toInstance(notifier);
    bind(ServiceNotifier.class).toInstance(notifier);
    bind(ControlSocket.class).to(SimulatedControlSocket.class).in(Singleton.class);
    bind(SimulatedControlSocket.class).in(Singleton.class);
    OptionalBinder.newOptionalBinder(binder(), EnergyCounters.class)
        .setBinding()
        .toInstance(new SimulatedEnergyCounters(host));
  }

  @Provides
  @Singleton
  CpuFrequencies frequencies() {
    return new SimulatedCpuFrequencies(host);
  }

  @Provides
  @Singleton
  Hypervisor hypervisor() {
    return new SimulatedHypervisor(host);
  }

  @Provides
  @Singleton
  VmStatistics statistics() {
    return new SimulatedVmStatistics(host);
  }

  @Provides
  @Singleton
  ChannelTransport transport() {
    return new SimulatedChannelTransport(host);
  }
}
