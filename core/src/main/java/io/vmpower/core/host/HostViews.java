package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.host.Views.ChannelStatsView;
import io.vmpower.core.host.Views.ChannelView;
import io.vmpower.core.host.Views.CpuFreq;
import io.vmpower.core.host.Views.CpuRow;
import io.vmpower.core.host.Views.VmSummary;
import io.vmpower.core.host.Views.VmView;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code show_*} commands: what the host manages, as the records of {@link Views}, which each
 * front end formats its own way. They change nothing (though {@code show_vm} re-reads the VM from
 * the hypervisor first).
 */
@Singleton
public final class HostViews {
  private final VmRegistry registry;
  private final VmLookup vms;
  private final PowerManager power;
  private final HypervisorSync sync;

  @Inject
  public HostViews(VmRegistry registry, VmLookup vms, PowerManager power, HypervisorSync sync) {
    this.registry = registry;
    this.vms = vms;
    this.power = power;
    this.sync = sync;
  }

  /** {@code show_vms}: one summary per added VM. */
  public List<VmSummary> showVms() {
    List<VmSummary> out = new ArrayList<>();
    for (Vm vm : registry.all()) {
      int connected = 0;
      for (Channel c : vm.channels().values()) {
        if (c.state() != ChannelState.DISCONNECTED) {
          connected++;
        }
      }
      out.add(
          new VmSummary(
              vm.name(),
              vm.state(),
              vm.vcpuCount(),
              vm.channels().size(),
              connected,
              vm.queryEnabled()));
    }
    return out;
  }

  /** {@code show_vm}: re-reads the VM from the hypervisor first (keeps the last view on error). */
  public VmView showVm(String name) throws CommandException {
    Vm vm = vms.added(name);
    sync.refresh(name);
    List<ChannelView> channels = new ArrayList<>();
    for (Channel c : vm.channels().values()) {
      channels.add(new ChannelView(c.number(), c.path(), c.state(), c.peer(), c.lastError()));
    }
    return new VmView(
        vm.name(), vm.state(), channels, vm.pinning(), vm.queryEnabled(), sync.connected());
  }

  /** {@code show_cpu_freq(_mask)}: every CPU must exist and be controllable. */
  public List<CpuFreq> showCpuFreq(CpuSet cpus) throws CommandException {
    FrequencyCommands.checkControlled(power, cpus);
    List<CpuFreq> out = new ArrayList<>();
    cpus.forEach(cpu -> out.add(new CpuFreq(cpu, power.currentKhz(cpu), null)));
    return out;
  }

  /** {@code show_cpus}: every CPU, online or not, with the vCPUs of added VMs on it. */
  public List<CpuRow> showCpus() {
    CpuFrequencies f = power.frequencies();
    CpuSet all = f.cpus().union(f.offlineCpus());
    Map<Integer, List<String>> users = new TreeMap<>();
    for (Vm vm : registry.all()) {
      for (int v = 0; v < vm.vcpuCount(); v++) {
        int vcpu = v;
        CpuSet pin = vm.pinning(v);
        pin.forEach(
            cpu -> users.computeIfAbsent(cpu, k -> new ArrayList<>()).add(vm.name() + ":" + vcpu));
      }
    }
    List<CpuRow> rows = new ArrayList<>();
    all.forEach(
        cpu -> {
          List<String> vcpus = users.getOrDefault(cpu, List.of());
          if (!f.cpus().contains(cpu)) {
            rows.add(
                new CpuRow(
                    cpu, false, false, "-", "-", 0, 0, 0, false, false, vcpus, CpuSet.of(cpu)));
            return;
          }
          FrequencyTable t = f.table(cpu);
          rows.add(
              new CpuRow(
                  cpu,
                  true,
                  true,
                  f.driver(cpu),
                  f.governor(cpu),
                  power.currentKhz(cpu),
                  t.get(t.lowestIndex()),
                  t.get(0),
                  t.hasTurbo(),
                  f.turboEnabled(cpu),
                  vcpus,
                  f.relatedCpus(cpu)));
        });
    return rows;
  }

  /** {@code show_stats}: the counters of every channel, by VM and channel number. */
  public List<ChannelStatsView> showStats() {
    List<ChannelStatsView> out = new ArrayList<>();
    for (Vm vm : registry.all()) {
      for (Channel c : vm.channels().values()) {
        out.add(new ChannelStatsView(vm.name(), c.number(), c.state(), c.stats()));
      }
    }
    return out;
  }
}
