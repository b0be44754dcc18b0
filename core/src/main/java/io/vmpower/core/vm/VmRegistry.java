package io.vmpower.core.vm;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The VMs the host manages, by name (sorted, for stable listings). Thread-safe. */
@Singleton
public final class VmRegistry {
  private final Map<String, Vm> vms = new ConcurrentSkipListMap<>();
  private final List<Consumer<Vm>> removalListeners = new CopyOnWriteArrayList<>();

  /** Runs {@code listener} with every VM removed from now on (after it is removed). */
  public void onRemoved(Consumer<Vm> listener) {
    removalListeners.add(listener);
  }

  /** Registers {@code vm}; fails if one of that name is registered. */
  public void add(Vm vm) {
    if (vms.putIfAbsent(vm.name(), vm) != null) {
      throw new IllegalArgumentException("VM '" + vm.name() + "' is already added");
    }
  }

  public Optional<Vm> find(String name) {
    return Optional.ofNullable(vms.get(name));
  }

  public Vm remove(String name) {
    Vm vm = vms.remove(name);
    if (vm != null) {
      for (Consumer<Vm> l : removalListeners) {
        l.accept(vm);
      }
    }
    return vm;
  }

  public Collection<Vm> all() {
    return vms.values();
  }

  public List<String> names() {
    return new ArrayList<>(vms.keySet());
  }

  /** Every channel of every VM. */
  public List<Channel> channels() {
    List<Channel> all = new ArrayList<>();
    for (Vm vm : vms.values()) {
      all.addAll(vm.channels().values());
    }
    return all;
  }
}
