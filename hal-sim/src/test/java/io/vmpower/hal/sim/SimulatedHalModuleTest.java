package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.Hypervisor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedHalModuleTest {
  @TempDir Path dir;

  @Test
  void bindsEveryHalInterfaceOverOneHost() throws FrequencyException {
    Injector injector =
        Guice.createInjector(new SimulatedHalModule(Scenario.defaultScenario(), dir));
    SimulatedHost host = injector.getInstance(SimulatedHost.class);
    CpuFrequencies freq = injector.getInstance(CpuFrequencies.class);
    assertInstanceOf(SimulatedCpuFrequencies.class, freq);
    assertSame(freq, injector.getInstance(CpuFrequencies.class));
    assertInstanceOf(SimulatedHypervisor.class, injector.getInstance(Hypervisor.class));
    assertInstanceOf(SimulatedChannelTransport.class, injector.getInstance(ChannelTransport.class));
    assertSame(host.clock(), injector.getInstance(Clock.class));
    assertEquals(dir, host.channelDir());
    freq.setIndex(0, 4);
    assertEquals(2000000, host.frequencyKhz(0)); // the same host behind every view
    host.close();
  }
}
