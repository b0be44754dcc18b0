package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmInterface;
import io.vmpower.core.hal.VmState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VMs of a {@link SimulatedHost}: which are defined, which run, where their vCPUs are pinned
 * and who their QEMU process is. Checks say what is wrong in the words of {@code virsh}. Not
 * thread-safe by itself: every call is made holding the host's lock.
 */
final class SimulatedVms {
  /** The pid the first started QEMU gets; each later start takes the next. */
  static final long FIRST_PID = 10_000;

  private final SimulatedCpus cpus;
  private final Path channelDir;
  private final Map<String, SimulatedVm> vms = new LinkedHashMap<>();
  private long nextPid = FIRST_PID;
  private int nextDevice;

  SimulatedVms(SimulatedCpus cpus, Path channelDir) {
    this.cpus = cpus;
    this.channelDir = channelDir;
  }

  /**
   * Adds a VM as planned; a running one gets a QEMU pid (unless the plan fixes one).
   *
   * @throws IllegalArgumentException when a VM of that name exists
   */
  SimulatedVm add(ScenarioResolver.VmPlan plan) {
    if (vms.containsKey(plan.name())) {
      throw new IllegalArgumentException("VM '" + plan.name() + "' is already defined");
    }
    for (ScenarioResolver.InterfacePlan i : plan.interfaces()) {
      String owner = ownerOf(i.mac());
      if (owner != null) {
        throw new IllegalArgumentException(
            "MAC " + i.mac() + " is already used by VM '" + owner + "'");
      }
    }
    SimulatedVm vm = new SimulatedVm(plan, channelDir);
    for (ScenarioResolver.InterfacePlan i : plan.interfaces()) {
      vm.interfaces.add(
          new SimulatedInterface(
              i.mac(), i.device() == null ? "vnet" + nextDevice++ : i.device(), i.rxPps()));
    }
    vm.running = plan.running();
    if (vm.running) {
      assignPid(vm);
    }
    vms.put(vm.name, vm);
    return vm;
  }

  /**
   * Removes a shut-off VM's definition.
   *
   * @throws IllegalStateException when it runs (libvirt would keep it as a transient domain)
   */
  void remove(SimulatedVm vm) {
    if (vm.running) {
      throw new IllegalStateException(
          "VM '" + vm.name + "' is running: stop it before undefining it");
    }
    vms.remove(vm.name);
  }

  List<String> names() {
    return List.copyOf(vms.keySet());
  }

  Collection<SimulatedVm> all() {
    return vms.values();
  }

  /** The VM that has an interface with {@code mac}, or null. */
  String ownerOf(MacAddress mac) {
    for (SimulatedVm v : vms.values()) {
      for (SimulatedInterface i : v.interfaces) {
        if (i.mac.equals(mac)) {
          return v.name;
        }
      }
    }
    return null;
  }

  /** A new interface for {@code vm} (a hot-plug); {@code device} null: the next vnetN. */
  SimulatedInterface plug(SimulatedVm vm, MacAddress mac, String device) {
    String owner = ownerOf(mac);
    if (owner != null) {
      throw new IllegalArgumentException("MAC " + mac + " is already used by VM '" + owner + "'");
    }
    if (!mac.isUnicast()) {
      throw new IllegalArgumentException(mac + " is not a NIC's address");
    }
    SimulatedInterface i =
        new SimulatedInterface(mac, device == null ? "vnet" + nextDevice++ : device, 0);
    vm.interfaces.add(i);
    return i;
  }

  /** The interface of {@code vm} with {@code mac}, or IllegalArgumentException. */
  static SimulatedInterface iface(SimulatedVm vm, MacAddress mac) {
    for (SimulatedInterface i : vm.interfaces) {
      if (i.mac.equals(mac)) {
        return i;
      }
    }
    throw new IllegalArgumentException("VM '" + vm.name + "' has no interface with MAC " + mac);
  }

  /** The VM, or null. */
  SimulatedVm find(String vm) {
    return vms.get(vm);
  }

  /** The VM, or IllegalArgumentException naming the known ones. */
  SimulatedVm require(String vm) {
    SimulatedVm v = vms.get(vm);
    if (v == null) {
      throw new IllegalArgumentException(unknown(vm));
    }
    return v;
  }

  boolean running(String vm) {
    SimulatedVm v = vms.get(vm);
    return v != null && v.running;
  }

  static VmState state(SimulatedVm vm) {
    return vm.running ? VmState.RUNNING : VmState.SHUT_OFF;
  }

  /** QEMU starts: a new pid, unless one was fixed. */
  void start(SimulatedVm vm) {
    if (vm.running) {
      throw new IllegalStateException("VM '" + vm.name + "' is already running");
    }
    vm.running = true;
    assignPid(vm);
  }

  /** QEMU exits; the caller deals with the channels. */
  void stop(SimulatedVm vm) {
    if (!vm.running) {
      throw new IllegalStateException("VM '" + vm.name + "' is not running");
    }
    vm.running = false;
  }

  /** Who the host sees behind the VM's channels from the next attach on (pid <= 0: assigned). */
  void setPeer(SimulatedVm vm, PeerCredentials peer) {
    vm.uid = peer.uid();
    vm.gid = peer.gid();
    vm.pidFixed = peer.pid() > 0;
    if (vm.pidFixed) {
      vm.pid = peer.pid();
    }
  }

  /**
   * Where {@code vcpu} of {@code vm} may run: its pinning, or every host CPU when unpinned.
   *
   * @throws IllegalArgumentException when the VM or the vCPU does not exist
   */
  CpuSet pinning(String vm, int vcpu) {
    String problem = pinProblem(vm, vcpu, cpus.all());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    CpuSet p = vms.get(vm).pinning[vcpu];
    return p == null ? cpus.all() : p;
  }

  /** Pins a vCPU that {@link #pinProblem} found nothing wrong with. */
  void pin(String vm, int vcpu, CpuSet pcpus) {
    vms.get(vm).pinning[vcpu] = pcpus;
  }

  /** What is wrong with pinning {@code vcpu} of {@code vm} to {@code pcpus}, or null. */
  String pinProblem(String vm, int vcpu, CpuSet pcpus) {
    SimulatedVm v = vms.get(vm);
    if (v == null) {
      return unknown(vm);
    }
    if (vcpu < 0 || vcpu >= v.vcpus()) {
      return "vCPU "
          + vcpu
          + " does not exist (VM '"
          + vm
          + "' has "
          + v.vcpus()
          + (v.vcpus() == 1 ? " vCPU)" : " vCPUs)");
    }
    if (pcpus == null || pcpus.isEmpty()) {
      return "cannot pin vCPU " + vcpu + " of VM '" + vm + "' to no pCPU; give at least one";
    }
    if (pcpus.last() >= cpus.count()) {
      return "pCPU " + pcpus.last() + " does not exist (host has " + cpus.count() + ")";
    }
    return null;
  }

  /** What the hypervisor reports about the VM (unpinned vCPUs: every host CPU). */
  VmInfo info(SimulatedVm vm) {
    List<CpuSet> pinning = new ArrayList<>(vm.vcpus());
    for (CpuSet p : vm.pinning) {
      pinning.add(p == null ? cpus.all() : p);
    }
    List<VmInterface> ifs = new ArrayList<>(vm.interfaces.size());
    for (SimulatedInterface i : vm.interfaces) {
      ifs.add(new VmInterface(i.mac, vm.running ? i.device : ""));
    }
    return new VmInfo(vm.name, state(vm), vm.vcpus(), pinning, ifs);
  }

  private void assignPid(SimulatedVm vm) {
    if (!vm.pidFixed) {
      vm.pid = nextPid++;
    }
  }

  private String unknown(String vm) {
    return "VM '"
        + vm
        + "' does not exist ("
        + (vms.isEmpty() ? "no VM is defined" : "known: " + String.join(", ", vms.keySet()))
        + ")";
  }
}
