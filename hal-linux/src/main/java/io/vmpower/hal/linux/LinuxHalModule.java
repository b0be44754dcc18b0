package io.vmpower.hal.linux;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.ControlSocket;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.ServiceNotifier;
import io.vmpower.core.hal.VmStatistics;
import io.vmpower.hal.linux.channel.SocketChannelTransport;
import io.vmpower.hal.linux.control.UnixControlSocket;
import io.vmpower.hal.linux.cpufreq.SysfsCpuFrequencies;
import io.vmpower.hal.linux.energy.SysfsEnergyCounters;
import io.vmpower.hal.linux.libvirt.LibvirtBackoff;
import io.vmpower.hal.linux.libvirt.LibvirtConnector;
import io.vmpower.hal.linux.libvirt.LibvirtHypervisor;
import io.vmpower.hal.linux.systemd.SystemdServiceNotifier;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The real host: cpufreq and RAPL energy counters through sysfs under {@code sysfsRoot}, libvirt at
 * {@code libvirtUri} (the hypervisor, and the VM statistics over the same connection), AF_UNIX
 * channel sockets on the JDK's epoll selector, the control socket (junixsocket), systemd
 * notification when {@code $NOTIFY_SOCKET} is set (junixsocket's datagrams) and the system clock.
 */
public final class LinuxHalModule extends AbstractModule {
  private final Path sysfsRoot;
  private final String libvirtUri;
  private final LibvirtConnector connector;

  public LinuxHalModule(Path sysfsRoot, String libvirtUri) {
    this(sysfsRoot, libvirtUri, LibvirtConnector.DEFAULT);
  }

  /**
   * Opening libvirt connections through {@code connector} (a test that drives the libvirt test
   * driver uses the connection the host uses, as the driver's state is per connection).
   */
  public LinuxHalModule(Path sysfsRoot, String libvirtUri, LibvirtConnector connector) {
    this.sysfsRoot = sysfsRoot;
    this.libvirtUri = libvirtUri;
    this.connector = connector;
  }

  @Override
  protected void configure() {
    bind(Clock.class).toInstance(Clock.SYSTEM);
    bind(ControlSocket.class).to(UnixControlSocket.class);
    OptionalBinder.newOptionalBinder(binder(), EnergyCounters.class)
        .setBinding()
        .toProvider(() -> new SysfsEnergyCounters(sysfsRoot))
        .in(Singleton.class);
  }

  @Provides
  @Singleton
  ServiceNotifier serviceNotifier() {
    return SystemdServiceNotifier.fromEnvironment();
  }

  @Provides
  @Singleton
  CpuFrequencies cpuFrequencies() {
    return new SysfsCpuFrequencies(sysfsRoot);
  }

  @Provides
  @Singleton
  LibvirtHypervisor libvirt() {
    try {
      return new LibvirtHypervisor(libvirtUri, false, connector, LibvirtBackoff.DEFAULT);
    } catch (HypervisorException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Provides
  @Singleton
  Hypervisor hypervisor(LibvirtHypervisor libvirt) {
    return libvirt;
  }

  @Provides
  @Singleton
  VmStatistics statistics(LibvirtHypervisor libvirt) {
    return libvirt.statistics();
  }

  @Provides
  @Singleton
  ChannelTransport channelTransport() {
    try {
      return new SocketChannelTransport();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the channel selector: " + e.getMessage(), e);
    }
  }
}
