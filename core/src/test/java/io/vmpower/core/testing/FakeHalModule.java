package io.vmpower.core.testing;

import com.google.inject.AbstractModule;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.ServiceNotifier;
import io.vmpower.core.hal.VmStatistics;

/**
 * Binds every HAL interface to the fakes of this package (VM statistics that read nothing until
 * told), with the real clock (so that a started monitor's back-off runs by itself), for tests that
 * assemble the host with Guice as the launcher does.
 */
public final class FakeHalModule extends AbstractModule {
  private final FakeHypervisor hypervisor;
  private final FakeChannelTransport transport;
  private final FakeCpuFrequencies cpus;
  private final FakeServiceNotifier notifier;

  public FakeHalModule(
      FakeHypervisor hypervisor,
      FakeChannelTransport transport,
      FakeCpuFrequencies cpus,
      FakeServiceNotifier notifier) {
    this.hypervisor = hypervisor;
    this.transport = transport;
    this.cpus = cpus;
    this.notifier = notifier;
  }

  @Override
  protected void configure() {
    bind(Hypervisor.class).toInstance(hypervisor);
    bind(ChannelTransport.class).toInstance(transport);
    bind(CpuFrequencies.class).toInstance(cpus);
    bind(ServiceNotifier.class).toInstance(notifier);
    bind(Clock.class).toInstance(Clock.SYSTEM);
    bind(VmStatistics.class).toInstance(new FakeVmStatistics(Clock.SYSTEM));
  }
}
