package io.vmpower.core.policy;

import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmFollower;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Keeps policies and demands in step with the VMs: a VM that stops makes no demand any more; one
 * that is re-pinned keeps its demands only on the pCPUs it still uses; one that starts or moves has
 * its policy evaluated at once.
 */
@Singleton
public final class PolicyFollower implements VmFollower {
  private final PolicyEngine engine;
  private final PowerArbiter arbiter;
  private final VmRegistry registry;

  @Inject
  public PolicyFollower(PolicyEngine engine, PowerArbiter arbiter, VmRegistry registry) {
    this.engine = engine;
    this.arbiter = arbiter;
    this.registry = registry;
  }

  @Override
  public void vmStarted(String name, Vm vm) {
    engine.evaluateSoon(name, true);
  }

  @Override
  public void vmStopped(String name, Vm vm) {
    if (vm != null) {
      arbiter.releaseAll(vm);
    }
    engine.evaluateSoon(name, true);
  }

  @Override
  public void vmChanged(String name, Vm vm) {
    if (vm != null) {
      arbiter.releaseUnpinned(vm);
    }
    engine.evaluateSoon(name, false);
  }

  @Override
  public void reconnected() {
    for (Vm vm : registry.all()) {
      arbiter.releaseUnpinned(vm);
      engine.evaluateSoon(vm.name(), false);
    }
  }
}
