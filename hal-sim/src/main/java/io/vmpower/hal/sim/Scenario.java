package io.vmpower.hal.sim;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A simulated host as written in a scenario file (YAML or JSON), read by {@link ScenarioLoader}.
 *
 * <p>These records hold the file as written (absent fields are {@code null}); {@link SimulatedHost}
 * checks and interprets them. The YAML format (JSON has the same fields):
 *
 * <pre>{@code
 * host:                       # required
 *   cpus: 8                   # required: physical CPUs 0..7 (1-4096)
 *   frequencies: [2601000, 2600000, 2400000, 1200000]
 *                             # required: kHz, any order; turbo when the highest entry is exactly
 *                             # 1000 kHz above the next (the acpi-cpufreq way)
 *   turbo: true               # optional: say whether index 0 is a turbo bucket instead of detecting it
 *   initialKhz: 2600000       # optional: starting frequency, an entry of the table
 *                             #   (default: the highest entry that is not turbo)
 *   driver: acpi-cpufreq      # optional (default acpi-cpufreq)
 *   governor: userspace       # optional (default userspace)
 *   threadsPerCore: 2         # optional: SMT; CPU c and c + cpus/threadsPerCore share a core
 *   siblings: ["0,4", "1,5"]  # optional, instead of threadsPerCore: CPU groups sharing a
 *                             #   frequency domain (cpulists); CPUs not listed are alone
 *   offline: "7"              # optional: cpulist of CPUs that start offline
 *   overrides:                # optional: settings for some CPUs; later entries win
 *     - cpus: "4-7"           #   required: cpulist
 *       frequencies: [...]    #   any of: frequencies, turbo, initialKhz, driver, governor
 *       priorityCore: true    #   and priorityCore (reported in CAPS replies; default false)
 * vms:                        # optional
 *   - name: vm1               # required: letters, digits, '_', '-', '.', '+'; at most 64
 *     state: running          # optional: running (default) or shut_off
 *     vcpus: 2                # required: 1-4096
 *     pinning: ["2", "3"]     # optional: a cpulist per vCPU; absent: unpinned (any host CPU)
 *     channels: [0, 1]        # optional: channel numbers 0-4095, a list or a cpulist-like "0-3"
 *     peerUid: 64055          # optional: uid seen behind its channels (default 64055, libvirt-qemu)
 *     peerGid: 64055          # optional: gid likewise (default 64055)
 *     peerPid: 4242           # optional: pid seen; default a new number at each start
 *     xmlChannels: true       # optional: whether the VM's definition names its channels as
 *                             #   virtio.serial.port.poweragent.N ports (default true); false: its
 *                             #   sockets only follow the {vm}.{n} convention of the folder
 *     load: [50, 10]          # optional: busy % of each vCPU at the highest non-turbo frequency
 *                             #   (one entry: every vCPU; default 0); slower CPUs make it busier
 *     interfaces:             # optional: network interfaces
 *       - mac: "52:54:00:00:01:01"  # required: a unicast MAC, unique on the host
 *         device: vnet0       #   optional: host device (default vnetN, numbered host-wide)
 *         rxPps: 1000         #   optional: packets received per second (default 0)
 * channelDir: /tmp/powermonitor   # optional: the channel folder, when the launcher gives none
 * energy:                     # optional: the energy model (SimulatedEnergyModel); defaults shown
 *   idleWatts: 0.74           #   a CPU's power while idle, at any frequency
 *   busyWatts: 3.5            #   a CPU's power while busy at its highest non-turbo frequency
 *   exponent: 3               #   busy power above idle grows as (f / f_nominal)^exponent
 *   steps:                    #   exact watts at some frequencies, instead of the curve
 *     - khz: 1200000
 *       busyWatts: 1.1
 *       idleWatts: 0.7        #   optional: idleWatts of the host otherwise
 *   packages: 1               #   CPU packages (sockets): CPUs are split evenly, in order
 *   rangeMicrojoules: 262143328850  # where each package counter wraps (as Intel's RAPL)
 * }</pre>
 *
 * <p>Unknown fields, duplicate keys and bad values are rejected with a message naming the file, the
 * field and what is accepted. The example file {@code /io/vmpower/hal/sim/example-scenario.yaml}
 * shows every field with comments.
 */
public record Scenario(
    Host host,
    List<Vm> vms,
    String channelDir,
    Energy energy,
    List<Workload> workloads,
    List<GuestApp> guests,
    TimeHours time,
    Live live) {

  /** The resource the built-in scenario is read from. */
  public static final String DEFAULT_RESOURCE = "/io/vmpower/hal/sim/default-scenario.yaml";

  public Scenario {
    vms = copy(vms);
    workloads = copy(workloads);
    guests = copy(guests);
  }

  /** This scenario with the workloads' relative trace files taken from {@code base}. */
  public Scenario withTraceBase(Path base) {
    if (workloads == null || base == null) {
      return this;
    }
    List<Workload> out = new ArrayList<>();
    for (Workload w : workloads) {
      out.add(
          w == null || w.trace() == null || Path.of(w.trace()).isAbsolute()
              ? w
              : new Workload(
                  w.vm(),
                  w.vcpus(),
                  w.percent(),
                  w.daily(),
                  w.steps(),
                  w.ramp(),
                  base.resolve(w.trace()).toString(),
                  w.noise()));
    }
    return new Scenario(host, vms, channelDir, energy, out, guests, time, live);
  }

  /**
   * The built-in scenario: 8 pCPUs (acpi-cpufreq, userspace, table {@code 2601000 (turbo) 2600000
   * ... 1200000}, all at 2600000), {@code vm1} running with 2 vCPUs on pCPUs 2 and 3 and channels
   * 0-1, {@code vm2} running with 4 vCPUs on pCPUs 4, 5, 6, 7 and channels 0-3, {@code vm3} shut
   * off with 2 unpinned vCPUs and no channel.
   */
  public static Scenario defaultScenario() {
    return ScenarioLoader.loadResource(DEFAULT_RESOURCE);
  }

  /** The scenario's channel folder, or {@code fallback} when it names none. */
  public Path channelDirOr(Path fallback) {
    return channelDir == null ? fallback : Path.of(channelDir);
  }

  /** The host's CPUs. */
  public record Host(
      Integer cpus,
      List<Long> frequencies,
      Boolean turbo,
      Long initialKhz,
      String driver,
      String governor,
      Integer threadsPerCore,
      List<String> siblings,
      String offline,
      List<CpuOverride> overrides) {
    public Host {
      frequencies = copy(frequencies);
      siblings = copy(siblings);
      overrides = copy(overrides);
    }
  }

  /** Settings for the CPUs of a cpulist, replacing the host's defaults. */
  public record CpuOverride(
      String cpus,
      List<Long> frequencies,
      Boolean turbo,
      Long initialKhz,
      String driver,
      String governor,
      Boolean priorityCore) {
    public CpuOverride {
      frequencies = copy(frequencies);
    }
  }

  /** A VM, its vCPUs and channels. */
  public record Vm(
      String name,
      String state,
      Integer vcpus,
      List<String> pinning,
      @JsonDeserialize(using = ScenarioChannelsDeserializer.class) List<Integer> channels,
      Long peerUid,
      Long peerGid,
      Long peerPid,
      Boolean xmlChannels,
      List<Double> load,
      List<Interface> interfaces) {
    public Vm {
      pinning = copy(pinning);
      channels = copy(channels);
      load = copy(load);
      interfaces = copy(interfaces);
    }

    /** A VM with no load and no interface. */
    public Vm(
        String name,
        String state,
        Integer vcpus,
        List<String> pinning,
        List<Integer> channels,
        Long peerUid,
        Long peerGid,
        Long peerPid) {
      this(name, state, vcpus, pinning, channels, peerUid, peerGid, peerPid, null, null, null);
    }
  }

  /** A network interface of a VM: its MAC, host device and receive rate in packets per second. */
  public record Interface(String mac, String device, Long rxPps) {}

  /** The energy model's parameters (see {@link SimulatedEnergyModel}); null fields: defaults. */
  public record Energy(
      Double idleWatts,
      Double busyWatts,
      Double exponent,
      List<EnergyStep> steps,
      Integer packages,
      Long rangeMicrojoules) {
    public Energy {
      steps = copy(steps);
    }
  }

  /** Exact watts at one frequency of the table. */
  public record EnergyStep(Long khz, Double busyWatts, Double idleWatts) {}

  /**
   * A load over time for some vCPUs of a VM (see {@link SimulatedWorkloads}): exactly one of {@code
   * percent}, {@code daily}, {@code steps}, {@code ramp}, {@code trace}; {@code vcpus} null: every
   * vCPU; {@code noise}: ± percent, drawn per vCPU and minute from the run's seed.
   */
  public record Workload(
      String vm,
      String vcpus,
      Double percent,
      Daily daily,
      List<Step> steps,
      Ramp ramp,
      String trace,
      Double noise) {
    public Workload {
      steps = copy(steps);
    }
  }

  /** A daily curve: {@code low} at night, {@code high} at {@code peak} (a time of day), cosine. */
  public record Daily(Double low, Double high, String peak) {}

  /** From time of day {@code at}, {@code percent}. */
  public record Step(String at, Double percent) {}

  /** From {@code from} % at {@code start} to {@code to} % at {@code end} (times of day). */
  public record Ramp(Double from, Double to, String start, String end) {}

  /**
   * A simulated guest application on a VM: {@code app} is {@code l3fwd-power} (one lcore per vCPU,
   * vCPU N asking on channel N); every {@code period} each lcore looks at how busy it is and asks
   * the host to scale up above {@code up} %, to max when saturated, down below {@code down} %.
   */
  public record GuestApp(String vm, String app, String period, Double up, Double down) {}

  /** The hours of the {@code time} strategy (TIME policy): cpulist-like hour lists. */
  public record TimeHours(String busy, String quiet) {}

  /**
   * The live demo: how many times faster than real time the simulated clock runs, and the VMs whose
   * guest applications run by themselves (over the guest port sockets).
   */
  public record Live(Double speed, List<String> guests) {
    public Live {
      guests = copy(guests);
    }
  }

  /** An unmodifiable copy that keeps nulls (so that validation can name them); null stays null. */
  private static <T> List<T> copy(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }
}
