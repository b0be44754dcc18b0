package io.vmpower.cli.sim;

import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The vCPUs whose load an operator set with {@code sim_load}: the live workload leaves them. */
@Singleton
public final class SimOverrides {
  private final Set<String> keys = ConcurrentHashMap.newKeySet();

  public void add(String vm, int vcpu) {
    keys.add(vm + "/" + vcpu);
  }

  public void remove(String vm, int vcpu) {
    keys.remove(vm + "/" + vcpu);
  }

  public boolean has(String vm, int vcpu) {
    return keys.contains(vm + "/" + vcpu);
  }
}
