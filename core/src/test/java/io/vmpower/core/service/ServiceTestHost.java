package io.vmpower.core.service;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.Multibinder;
import io.vmpower.core.CoreModule;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.ConfigSource;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.host.StateFile;
import io.vmpower.core.testing.FakeChannelTransport;
import io.vmpower.core.testing.FakeCpuFrequencies;
import io.vmpower.core.testing.FakeGuestPort;
import io.vmpower.core.testing.FakeHalModule;
import io.vmpower.core.testing.FakeHypervisor;
import io.vmpower.core.testing.FakeServiceNotifier;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The host assembled with Guice over the fake HAL, as the launcher assembles it, running from a
 * configuration whose next reading a test decides ({@link #nextConfig}, {@link #nextFailure}).
 */
final class ServiceTestHost implements AutoCloseable {
  final Path dir;
  final FakeHypervisor hypervisor = new FakeHypervisor(8);
  final FakeChannelTransport transport = new FakeChannelTransport();
  final FakeCpuFrequencies cpus = FakeCpuFrequencies.uniform(8, FakeCpuFrequencies.PLAIN_TABLE, 2);
  final FakeServiceNotifier notifier;
  final List<Service> services = new ArrayList<>();
  private volatile VmPowerConfig next;
  private volatile String failure;
  private Injector injector;

  ServiceTestHost(Path dir) {
    this(dir, null);
  }

  ServiceTestHost(Path dir, Duration watchdog) {
    this.dir = dir;
    this.notifier = new FakeServiceNotifier(watchdog);
  }

  /** A domain with these channels at {@code dir/{vm}.{n}}, each socket listening when running. */
  ServiceTestHost domain(String name, VmState state, int... channels) {
    Map<Integer, Path> sockets = new TreeMap<>();
    for (int n : channels) {
      sockets.put(n, socket(name, n));
      if (state.isActive()) {
        transport.listen(socket(name, n));
      }
    }
    hypervisor.channels(name, sockets);
    hypervisor.define(name, state, CpuSet.of(2), CpuSet.of(3));
    return this;
  }

  Path socket(String vm, int n) {
    return dir.resolve(vm + "." + n);
  }

  /** The configuration the next reload reads. */
  void nextConfig(VmPowerConfig config) {
    this.next = config;
    this.failure = null;
  }

  /** The next reload finds the file broken with this message. */
  void nextFailure(String message) {
    this.failure = message;
  }

  /** Assembles the host from {@code config} (its channel folder is {@code dir}). */
  ServiceTestHost build(VmPowerConfig config) {
    next = config;
    ConfigSource source =
        new ConfigSource() {
          @Override
          public String name() {
            return "test.yaml";
          }

          @Override
          public VmPowerConfig load() throws ConfigException {
            if (failure != null) {
              throw new ConfigException(failure);
            }
            return next;
          }
        };
    RunningConfig running = new RunningConfig(source, config);
    injector =
        Guice.createInjector(
            new CoreModule(HostConfig.from(config, dir), StateFile.none(), running),
            new FakeHalModule(hypervisor, transport, cpus, notifier),
            new AbstractModule() {
              @Override
              protected void configure() {
                Multibinder<Service> set = Multibinder.newSetBinder(binder(), Service.class);
                for (Service s : services) {
                  set.addBinding().toInstance(s);
                }
              }
            });
    return this;
  }

  <T> T get(Class<T> type) {
    return injector.getInstance(type);
  }

  HostService service() {
    return get(HostService.class);
  }

  Optional<Vm> vm(String name) {
    return get(VmRegistry.class).find(name);
  }

  Channel channel(String vm, int n) {
    return vm(vm).orElseThrow().channel(n);
  }

  ChannelState state(String vm, int n) {
    Channel c = channel(vm, n);
    return c == null ? null : c.state();
  }

  FakeGuestPort port(String vm, int n) {
    return transport.port(socket(vm, n));
  }

  @Override
  public void close() {
    if (injector != null) {
      get(HostService.class).stop();
    }
  }
}
