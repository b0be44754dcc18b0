package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The hypervisor of a {@link SimulatedHost}. Listeners are called on the host's event thread (see
 * {@link SimulatedHost}), never on the caller's, so a listener may call back into this object. A
 * {@link #pin} fires {@code PinningChanged} like any other re-pin.
 */
public final class SimulatedHypervisor implements Hypervisor {
  private final SimulatedHost host;
  private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public SimulatedHypervisor(SimulatedHost host) {
    this.host = host;
  }

  @Override
  public String description() {
    return "simulated hypervisor";
  }

  @Override
  public Optional<VmInfo> lookup(String name) throws HypervisorException {
    checkOpen();
    return host.vmInfo(name);
  }

  @Override
  public List<String> vmNames() throws HypervisorException {
    checkOpen();
    return host.vmNamesChecked();
  }

  @Override
  public void pin(String vm, int vcpu, CpuSet pcpus) throws HypervisorException {
    checkOpen();
    host.pinChecked(vm, vcpu, pcpus);
  }

  @Override
  public Optional<DomainChannels> powerChannels(String name) throws HypervisorException {
    checkOpen();
    return host.powerChannels(name);
  }

  @Override
  public int hostCpuCount() throws HypervisorException {
    checkOpen();
    return host.hostCpuCountChecked();
  }

  @Override
  public void addListener(Consumer<HypervisorEvent> listener) {
    if (closed) {
      throw new IllegalStateException("the simulated hypervisor connection is closed");
    }
    listeners.add(listener);
    host.addListener(listener);
  }

  /** Removes this connection's listeners; further calls fail. */
  @Override
  public void close() {
    closed = true;
    for (Consumer<HypervisorEvent> l : listeners) {
      host.removeListener(l);
    }
    listeners.clear();
  }

  private void checkOpen() throws HypervisorException {
    if (closed) {
      throw new HypervisorException("the simulated hypervisor connection is closed");
    }
  }
}
