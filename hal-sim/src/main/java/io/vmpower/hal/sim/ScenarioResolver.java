package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.MacAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link Scenario} as a whole and turns it into the values a {@link SimulatedHost} starts
 * from. Every message names the source, the field and what is accepted.
 */
final class ScenarioResolver {
  static final String DEFAULT_DRIVER = "acpi-cpufreq";
  static final String DEFAULT_GOVERNOR = "userspace";
  static final long DEFAULT_PEER_ID = 64055; // libvirt-qemu on Debian
  static final int MAX_CPUS = 4096;
  static final int MAX_VCPUS = 4096;
  static final int MAX_CHANNEL = 4095;
  static final int MAX_NAME = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** One CPU as it starts. */
  record CpuPlan(
      FrequencyTable table,
      int index,
      String driver,
      String governor,
      boolean online,
      CpuSet related,
      boolean priorityCore) {}

  /** One VM as it starts; {@code pinning} is null when unpinned; {@code peerPid} -1: assigned. */
  record VmPlan(
      String name,
      boolean running,
      int vcpus,
      List<CpuSet> pinning,
      List<Integer> channels,
      long peerUid,
      long peerGid,
      long peerPid,
      boolean xmlChannels,
      double[] load,
      List<InterfacePlan> interfaces) {}

  /** An interface as it starts; {@code device} null: numbered host-wide when the VM is added. */
  record InterfacePlan(MacAddress mac, String device, long rxPps) {}

  /** The energy model's parameters, checked; {@code steps} by kHz. */
  record EnergyPlan(
      double idleWatts,
      double busyWatts,
      double exponent,
      java.util.Map<Long, EnergyStepPlan> steps,
      int packages,
      long rangeMicrojoules) {}

  record EnergyStepPlan(double busyWatts, Double idleWatts) {}

  /** Intel's usual max_energy_range_uj. */
  static final long DEFAULT_RANGE_UJ = 262_143_328_850L;

  record Plan(List<CpuPlan> cpus, List<VmPlan> vms, Optional<Path> channelDir, EnergyPlan energy) {}

  private final String source;

  private ScenarioResolver(String source) {
    this.source = source;
  }

  static Plan resolve(Scenario scenario, String source) {
    return new ScenarioResolver(source).resolve(scenario);
  }

  private Plan resolve(Scenario s) {
    if (s.host() == null) {
      throw fail("host", "required; give at least host.cpus and host.frequencies");
    }
    List<CpuPlan> cpus = resolveCpus(s.host());
    List<VmPlan> vms = resolveVms(s.vms(), cpus.size());
    Optional<Path> dir = Optional.empty();
    if (s.channelDir() != null) {
      if (s.channelDir().isBlank()) {
        throw fail("channelDir", "empty; give a folder path or leave channelDir out");
      }
      try {
        dir = Optional.of(Path.of(s.channelDir()));
      } catch (InvalidPathException e) {
        throw fail("channelDir", "'" + s.channelDir() + "' is not a path: " + e.getReason());
      }
    }
    SimulatedWorkloads.resolve(s, source);
    return new Plan(List.copyOf(cpus), List.copyOf(vms), dir, energy(s.energy(), cpus.size()));
  }

  private EnergyPlan energy(Scenario.Energy e, int cpus) {
    if (e == null) {
      return new EnergyPlan(
          SimulatedEnergyModel.DEFAULT_IDLE_WATTS,
          SimulatedEnergyModel.DEFAULT_BUSY_WATTS,
          SimulatedEnergyModel.DEFAULT_EXPONENT,
          java.util.Map.of(),
          1,
          DEFAULT_RANGE_UJ);
    }
    double idle = watts("energy.idleWatts", e.idleWatts(), SimulatedEnergyModel.DEFAULT_IDLE_WATTS);
    double busy = watts("energy.busyWatts", e.busyWatts(), SimulatedEnergyModel.DEFAULT_BUSY_WATTS);
    if (busy < idle) {
      throw fail("energy.busyWatts", busy + " W is below energy.idleWatts (" + idle + " W)");
    }
    double exponent = e.exponent() == null ? SimulatedEnergyModel.DEFAULT_EXPONENT : e.exponent();
    if (!(exponent >= 0 && exponent <= 10)) {
      throw fail("energy.exponent", e.exponent() + " is out of range; use 0-10");
    }
    java.util.Map<Long, EnergyStepPlan> steps = new java.util.TreeMap<>();
    if (e.steps() != null) {
      for (int i = 0; i < e.steps().size(); i++) {
        Scenario.EnergyStep st = e.steps().get(i);
        String f = "energy.steps[" + i + "]";
        if (st == null || st.khz() == null || st.khz() <= 0) {
          throw fail(f + ".khz", "required: a frequency of the table in kHz");
        }
        if (st.busyWatts() == null) {
          throw fail(f + ".busyWatts", "required: watts while busy at " + st.khz() + " kHz");
        }
        double b = watts(f + ".busyWatts", st.busyWatts(), 0);
        Double i2 = st.idleWatts() == null ? null : watts(f + ".idleWatts", st.idleWatts(), 0);
        if (steps.put(st.khz(), new EnergyStepPlan(b, i2)) != null) {
          throw fail(f + ".khz", st.khz() + " kHz is given twice");
        }
      }
    }
    int packages = e.packages() == null ? 1 : e.packages();
    if (packages < 1 || packages > cpus) {
      throw fail("energy.packages", packages + " is out of range; use 1-" + cpus + " (the CPUs)");
    }
    long range = e.rangeMicrojoules() == null ? DEFAULT_RANGE_UJ : e.rangeMicrojoules();
    if (range < 1_000_000L) {
      throw fail("energy.rangeMicrojoules", range + " is too small; use at least 1000000 (1 J)");
    }
    return new EnergyPlan(idle, busy, exponent, java.util.Map.copyOf(steps), packages, range);
  }

  private double watts(String field, Double value, double fallback) {
    double v = value == null ? fallback : value;
    if (!(v >= 0 && v <= 10_000)) {
      throw fail(field, value + " is out of range; use 0-10000 W");
    }
    return v;
  }

  // ---- CPUs ----

  /** Per-CPU settings while overrides are applied, with where each value came from. */
  private static final class CpuDraft {
    FrequencyTable table;
    String tableField;
    Long initialKhz;
    String initialField;
    String driver;
    String governor;
    boolean priority;
  }

  private List<CpuPlan> resolveCpus(Scenario.Host h) {
    if (h.cpus() == null) {
      throw fail("host.cpus", "required: the number of physical CPUs (1-" + MAX_CPUS + ")");
    }
    int n = h.cpus();
    if (n < 1 || n > MAX_CPUS) {
      throw fail("host.cpus", n + " is out of range; use 1-" + MAX_CPUS);
    }
    FrequencyTable hostTable = table("host", h.frequencies(), h.turbo());
    String driver = word("host.driver", h.driver(), DEFAULT_DRIVER);
    String governor = word("host.governor", h.governor(), DEFAULT_GOVERNOR);
    CpuDraft[] drafts = new CpuDraft[n];
    for (int c = 0; c < n; c++) {
      CpuDraft d = new CpuDraft();
      d.table = hostTable;
      d.tableField = "host.frequencies";
      d.initialKhz = h.initialKhz();
      d.initialField = "host.initialKhz";
      d.driver = driver;
      d.governor = governor;
      drafts[c] = d;
    }
    applyOverrides(h.overrides(), drafts);
    CpuSet[] related = related(h, n);
    CpuSet offline =
        h.offline() == null ? CpuSet.empty() : cpuList("host.offline", h.offline(), n, true);
    if (offline.size() == n) {
      throw fail("host.offline", "every CPU would be offline; leave at least one online");
    }
    List<CpuPlan> out = new ArrayList<>(n);
    for (int c = 0; c < n; c++) {
      CpuDraft d = drafts[c];
      int index = d.table.hasTurbo() && d.table.size() > 1 ? 1 : 0;
      if (d.initialKhz != null) {
        index = d.table.indexOf(d.initialKhz);
        if (index < 0) {
          throw fail(
              d.initialField,
              d.initialKhz + " kHz is not in the table of cpu" + c + " (" + d.table + ")");
        }
      }
      out.add(
          new CpuPlan(
              d.table, index, d.driver, d.governor, !offline.contains(c), related[c], d.priority));
    }
    return out;
  }

  private void applyOverrides(List<Scenario.CpuOverride> overrides, CpuDraft[] drafts) {
    if (overrides == null) {
      return;
    }
    for (int i = 0; i < overrides.size(); i++) {
      String f = "host.overrides[" + i + "]";
      Scenario.CpuOverride o = overrides.get(i);
      if (o == null) {
        throw fail(f, "empty entry; give cpus and the settings to change");
      }
      if (o.cpus() == null) {
        throw fail(f + ".cpus", "required: a cpulist like \"4-7\"");
      }
      CpuSet set = cpuList(f + ".cpus", o.cpus(), drafts.length, false);
      FrequencyTable table =
          o.frequencies() == null && o.turbo() == null
              ? null
              : table(f, o.frequencies(), o.turbo());
      String driver = o.driver() == null ? null : word(f + ".driver", o.driver(), null);
      String governor = o.governor() == null ? null : word(f + ".governor", o.governor(), null);
      for (int c = set.first(); c >= 0; c = set.next(c + 1)) {
        CpuDraft d = drafts[c];
        if (table != null) {
          d.table = table;
          d.tableField = f + ".frequencies";
        }
        if (o.initialKhz() != null) {
          d.initialKhz = o.initialKhz();
          d.initialField = f + ".initialKhz";
        }
        if (driver != null) {
          d.driver = driver;
        }
        if (governor != null) {
          d.governor = governor;
        }
        if (o.priorityCore() != null) {
          d.priority = o.priorityCore();
        }
      }
    }
  }

  private FrequencyTable table(String owner, List<Long> khz, Boolean turbo) {
    String f = owner + ".frequencies";
    if (khz == null) {
      throw fail(f, "required: a list of frequencies in kHz like [2600000, 2400000]");
    }
    if (khz.isEmpty()) {
      throw fail(f, "empty; give at least one frequency in kHz");
    }
    long[] values = new long[khz.size()];
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < values.length; i++) {
      Long v = khz.get(i);
      if (v == null || v <= 0) {
        throw fail(f + "[" + i + "]", "'" + v + "' is not a frequency; use a positive kHz value");
      }
      if (!seen.add(v)) {
        throw fail(f + "[" + i + "]", v + " kHz appears twice; list each frequency once");
      }
      values[i] = v;
    }
    if (turbo == null) {
      return FrequencyTable.of(values);
    }
    if (turbo && values.length < 2) {
      throw fail(owner + ".turbo", "a turbo table needs the turbo entry and at least one more");
    }
    return FrequencyTable.of(turbo, values);
  }

  private CpuSet[] related(Scenario.Host h, int n) {
    CpuSet[] related = new CpuSet[n];
    if (h.threadsPerCore() != null && h.siblings() != null) {
      throw fail("host.siblings", "give either threadsPerCore or siblings, not both");
    }
    if (h.threadsPerCore() != null) {
      int t = h.threadsPerCore();
      if (t < 1 || t > 8 || n % t != 0) {
        throw fail(
            "host.threadsPerCore",
            t + " is not possible with " + n + " CPUs; use 1-8 dividing host.cpus");
      }
      int cores = n / t;
      for (int core = 0; core < cores; core++) {
        int[] members = new int[t];
        for (int k = 0; k < t; k++) {
          members[k] = core + k * cores;
        }
        CpuSet set = CpuSet.of(members);
        for (int m : members) {
          related[m] = set;
        }
      }
      return related;
    }
    if (h.siblings() != null) {
      for (int i = 0; i < h.siblings().size(); i++) {
        String f = "host.siblings[" + i + "]";
        String text = h.siblings().get(i);
        if (text == null) {
          throw fail(f, "empty entry; use a cpulist like \"0,4\"");
        }
        CpuSet set = cpuList(f, text, n, false);
        for (int c = set.first(); c >= 0; c = set.next(c + 1)) {
          if (related[c] != null) {
            throw fail(f, "CPU " + c + " is already in another group; each CPU in one group");
          }
          related[c] = set;
        }
      }
    }
    for (int c = 0; c < n; c++) {
      if (related[c] == null) {
        related[c] = CpuSet.of(c);
      }
    }
    return related;
  }

  // ---- VMs ----

  private List<VmPlan> resolveVms(List<Scenario.Vm> vms, int cpuCount) {
    List<VmPlan> out = new ArrayList<>();
    if (vms == null) {
      return out;
    }
    Set<String> names = new HashSet<>();
    Set<MacAddress> macs = new HashSet<>();
    for (int i = 0; i < vms.size(); i++) {
      String f = "vms[" + i + "]";
      VmPlan vm = vm(f, vms.get(i), cpuCount);
      if (!names.add(vm.name())) {
        throw fail(f + ".name", "'" + vm.name() + "' is defined twice; VM names are unique");
      }
      for (int k = 0; k < vm.interfaces().size(); k++) {
        if (!macs.add(vm.interfaces().get(k).mac())) {
          throw fail(
              f + ".interfaces[" + k + "].mac",
              vm.interfaces().get(k).mac() + " is used twice; MACs are unique on a host");
        }
      }
      out.add(vm);
    }
    return out;
  }

  /**
   * One VM checked on its own (for {@link SimulatedHost#defineVm}); fields start with {@code vm}.
   */
  static VmPlan resolveVm(Scenario.Vm vm, int cpuCount, String source) {
    return new ScenarioResolver(source).vm("vm", vm, cpuCount);
  }

  private VmPlan vm(String f, Scenario.Vm vm, int cpuCount) {
    if (vm == null) {
      throw fail(f, "empty entry; give at least name and vcpus");
    }
    String name = vmName(f + ".name", vm.name());
    boolean running;
    if (vm.state() == null || vm.state().equals("running")) {
      running = true;
    } else if (vm.state().equals("shut_off")) {
      running = false;
    } else {
      throw fail(f + ".state", "'" + vm.state() + "' is not a state; use running or shut_off");
    }
    if (vm.vcpus() == null) {
      throw fail(f + ".vcpus", "required: the number of vCPUs (1-" + MAX_VCPUS + ")");
    }
    int vcpus = vm.vcpus();
    if (vcpus < 1 || vcpus > MAX_VCPUS) {
      throw fail(f + ".vcpus", vcpus + " is out of range; use 1-" + MAX_VCPUS);
    }
    List<CpuSet> pinning = pinning(f + ".pinning", vm.pinning(), vcpus, cpuCount);
    List<Integer> channels = channels(f + ".channels", vm.channels());
    long uid = id(f + ".peerUid", vm.peerUid());
    long gid = id(f + ".peerGid", vm.peerGid());
    long pid = -1;
    if (vm.peerPid() != null) {
      if (vm.peerPid() < 1 || vm.peerPid() > Integer.MAX_VALUE) {
        throw fail(f + ".peerPid", vm.peerPid() + " is not a pid; use 1-" + Integer.MAX_VALUE);
      }
      pid = vm.peerPid();
    }
    boolean xml = vm.xmlChannels() == null || vm.xmlChannels();
    double[] load = load(f + ".load", vm.load(), vcpus);
    List<InterfacePlan> interfaces = interfaces(f + ".interfaces", vm.interfaces());
    return new VmPlan(
        name, running, vcpus, pinning, channels, uid, gid, pid, xml, load, interfaces);
  }

  private double[] load(String f, List<Double> load, int vcpus) {
    double[] out = new double[vcpus];
    if (load == null) {
      return out;
    }
    if (load.size() != 1 && load.size() != vcpus) {
      throw fail(
          f,
          load.size()
              + " entries for "
              + vcpus
              + " vCPUs; give one busy % per vCPU, or one for all of them");
    }
    for (int v = 0; v < vcpus; v++) {
      Double p = load.get(load.size() == 1 ? 0 : v);
      if (p == null || p.isNaN() || p < 0 || p > 100) {
        throw fail(f, "'" + p + "' is not a busy share; use a percentage 0-100");
      }
      out[v] = p;
    }
    return out;
  }

  private List<InterfacePlan> interfaces(String f, List<Scenario.Interface> list) {
    List<InterfacePlan> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    Set<MacAddress> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String g = f + "[" + i + "]";
      Scenario.Interface in = list.get(i);
      if (in == null || in.mac() == null) {
        throw fail(g + ".mac", "required: a MAC like \"52:54:00:00:01:01\"");
      }
      MacAddress mac;
      try {
        mac = MacAddress.parse(in.mac());
      } catch (IllegalArgumentException e) {
        throw fail(g + ".mac", e.getMessage());
      }
      if (!mac.isUnicast()) {
        throw fail(g + ".mac", mac + " is not a NIC's address (zero, multicast or broadcast)");
      }
      if (!seen.add(mac)) {
        throw fail(g + ".mac", mac + " is listed twice");
      }
      String device = in.device() == null ? null : word(g + ".device", in.device(), null);
      long pps = in.rxPps() == null ? 0 : in.rxPps();
      if (pps < 0) {
        throw fail(g + ".rxPps", pps + " is not a rate; use packets per second >= 0");
      }
      out.add(new InterfacePlan(mac, device, pps));
    }
    return out;
  }

  private List<CpuSet> pinning(String f, List<String> pinning, int vcpus, int cpuCount) {
    if (pinning == null) {
      return null;
    }
    if (pinning.size() != vcpus) {
      throw fail(
          f,
          pinning.size()
              + " entries for "
              + vcpus
              + " vCPUs; give one cpulist per vCPU, or leave pinning out for unpinned vCPUs");
    }
    List<CpuSet> out = new ArrayList<>(vcpus);
    for (int v = 0; v < vcpus; v++) {
      String text = pinning.get(v);
      if (text == null) {
        throw fail(f + "[" + v + "]", "empty; use a cpulist of CPUs 0-" + (cpuCount - 1));
      }
      out.add(cpuList(f + "[" + v + "]", text, cpuCount, false));
    }
    return out;
  }

  private List<Integer> channels(String f, List<Integer> channels) {
    if (channels == null) {
      return List.of();
    }
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < channels.size(); i++) {
      Integer n = channels.get(i);
      if (n == null || n < 0 || n > MAX_CHANNEL) {
        throw fail(f, "'" + n + "' is not a channel number; use 0-" + MAX_CHANNEL);
      }
      if (!seen.add(n)) {
        throw fail(f, "channel " + n + " appears twice; list each channel once");
      }
    }
    return channels.stream().sorted().toList();
  }

  private long id(String f, Long value) {
    if (value == null) {
      return DEFAULT_PEER_ID;
    }
    if (value < 0 || value > 0xFFFF_FFFEL) {
      throw fail(f, value + " is not a user or group id; use 0-4294967294");
    }
    return value;
  }

  private String vmName(String f, String name) {
    if (name == null) {
      throw fail(f, "required: the VM's name as the hypervisor knows it");
    }
    if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw fail(
          f,
          "'"
              + name
              + "' is not a usable VM name; use at most "
              + MAX_NAME
              + " letters, digits, '_', '-', '.' or '+', starting with a letter or digit");
    }
    return name;
  }

  private String word(String f, String value, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (!WORD.matcher(value).matches()) {
      throw fail(f, "'" + value + "' is not a name; use letters, digits, '_', '-' or '.'");
    }
    return value;
  }

  private CpuSet cpuList(String f, String text, int cpuCount, boolean emptyOk) {
    CpuSet set;
    try {
      set = CpuSet.parseList(text);
    } catch (IllegalArgumentException e) {
      throw fail(f, e.getMessage());
    }
    if (set.isEmpty() && !emptyOk) {
      throw fail(f, "no CPU given; use a cpulist of CPUs 0-" + (cpuCount - 1) + " like \"2\"");
    }
    if (set.last() >= cpuCount) {
      throw fail(
          f,
          "pCPU "
              + set.last()
              + " does not exist (host.cpus is "
              + cpuCount
              + "); use CPUs 0-"
              + (cpuCount - 1));
    }
    return set;
  }

  private ScenarioException fail(String field, String problem) {
    return new ScenarioException(source + ": " + field + ": " + problem);
  }
}
