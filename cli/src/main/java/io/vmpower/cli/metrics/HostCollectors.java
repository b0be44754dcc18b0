package io.vmpower.cli.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.drift.DriftCheck;
import io.vmpower.core.energy.EnergyAttribution;
import io.vmpower.core.energy.EnergyMeter;
import io.vmpower.core.energy.EnergySampler;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.EnergyZone;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.host.PolicyCommands;
import io.vmpower.core.host.Views;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import java.util.Locale;

/**
 * The metrics read at scrape time from what the host already counts: every {@code show_stats}
 * counter per VM and channel, each channel's state, and per CPU the frequencies, limits, governor
 * and turbo. Nothing is counted twice on the hot path: the callbacks read {@link ChannelStats} and
 * the CPU backend when Prometheus asks. Names follow node_exporter's cpufreq collector (hertz,
 * {@code cpu} label). See docs/metrics.md.
 */
final class HostCollectors {
  private static final Counter[] OUTCOMES = outcomes();
  private static final String[] OUTCOME_NAMES = names(OUTCOMES);
  private static final ChannelState[] STATES = ChannelState.values();

  private HostCollectors() {}

  static void register(
      PrometheusRegistry registry,
      VmRegistry vms,
      PowerManager power,
      DriftCheck drift,
      EnergySampler energy,
      PolicyCommands policies) {
    channels(registry, vms);
    cpus(registry, power);
    drift(registry, drift);
    energy(registry, energy);
    policies(registry, policies);
  }

  private static void policies(PrometheusRegistry registry, PolicyCommands policies) {
    GaugeWithCallback.builder()
        .name("vmpower_policy")
        .help(
            "1 per VM with a policy, labelled with its kind (busy, workload, time, traffic) and"
                + " who set it (guest, config, operator)")
        .labelNames("vm", "kind", "source")
        .callback(
            cb -> {
              for (Views.PolicyStatsView p : policies.policyStats()) {
                if (!p.kind().isEmpty()) {
                  cb.call(1, p.vm(), p.kind(), p.source());
                }
              }
            })
        .register(registry);
    policyCounter(
        registry,
        policies,
        "vmpower_policy_decisions",
        "Policy evaluations that decided, per VM (its policies so far)",
        Views.PolicyStatsView::decisions);
    policyCounter(
        registry,
        policies,
        "vmpower_policy_changes",
        "Policy decisions that changed a frequency demand, per VM",
        Views.PolicyStatsView::changes);
    policyCounter(
        registry,
        policies,
        "vmpower_policy_failures",
        "Policy evaluations that held the last frequency because their source failed, per VM",
        Views.PolicyStatsView::failures);
    CounterWithCallback.builder()
        .name("vmpower_policy_sampling_reads")
        .help("Reads of the VMs' counters (vCPU time, interface packets) for the policies")
        .callback(cb -> cb.call(policies.sampling().reads()))
        .register(registry);
    CounterWithCallback.builder()
        .name("vmpower_policy_sampling_failures")
        .help("Reads of the VMs' counters that failed (the policies held their frequency)")
        .callback(cb -> cb.call(policies.sampling().failures()))
        .register(registry);
  }

  private static void policyCounter(
      PrometheusRegistry registry,
      PolicyCommands policies,
      String name,
      String help,
      java.util.function.ToLongFunction<Views.PolicyStatsView> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("vm")
        .callback(
            cb -> {
              for (Views.PolicyStatsView p : policies.policyStats()) {
                cb.call(value.applyAsLong(p), p.vm());
              }
            })
        .register(registry);
  }

  private static void energy(PrometheusRegistry registry, EnergySampler sampler) {
    EnergyMeter meter = sampler.meter();
    if (meter.zones().isEmpty()) {
      return;
    }
    CounterWithCallback.builder()
        .name("vmpower_vm_energy_joules")
        .help(
            "Energy attributed to each VM since vmpower started: each package's joules split by"
                + " its vCPUs' busy time weighted by the power of the frequency vmpower set"
                + " (docs/energy.md)")
        .labelNames("vm")
        .callback(
            cb -> {
              sampler.sampleNow();
              EnergyAttribution.Totals t = sampler.attribution().totals();
              new java.util.TreeMap<>(t.vmJoules()).forEach((vm, j) -> cb.call(j, vm));
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("vmpower_unattributed_energy_joules")
        .help(
            "Energy a package counted while no VM was busy on it (with the per-VM joules, the"
                + " package's total as of the last attribution sample)")
        .labelNames("package")
        .callback(
            cb -> {
              sampler.sampleNow();
              new java.util.TreeMap<>(sampler.attribution().totals().unattributedJoules())
                  .forEach((p, j) -> cb.call(j, Integer.toString(p)));
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("vmpower_energy_attribution_samples")
        .help("Samples of the per-VM energy attribution that read the VMs' vCPU times")
        .callback(cb -> cb.call(sampler.status().samples()))
        .register(registry);
    CounterWithCallback.builder()
        .name("vmpower_energy_attribution_failures")
        .help(
            "Samples of the per-VM energy attribution that could not read the VMs (the energy"
                + " waits for the next sample that can)")
        .callback(cb -> cb.call(sampler.status().failures()))
        .register(registry);
    CounterWithCallback.builder()
        .name("vmpower_energy_zone_joules")
        .help(
            "Energy counted by a RAPL zone since vmpower started (wraps handled), by zone id, name"
                + " and kind (package, core, uncore, dram, platform)")
        .labelNames("zone", "name", "kind")
        .callback(
            cb -> {
              meter.sample();
              for (EnergyMeter.ZoneTotal t : meter.totals()) {
                cb.call(
                    t.joules(),
                    t.zone().id(),
                    t.zone().name(),
                    t.zone().kind().name().toLowerCase(Locale.ROOT));
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("vmpower_package_energy_joules")
        .help("Energy of each CPU package (socket) since vmpower started, all its dies summed")
        .labelNames("package")
        .callback(
            cb -> {
              meter.sample();
              java.util.Map<Integer, Double> byPackage = new java.util.TreeMap<>();
              for (EnergyMeter.ZoneTotal t : meter.totals()) {
                if (t.zone().kind() == EnergyZone.Kind.PACKAGE) {
                  byPackage.merge(t.zone().packageId(), t.joules(), Double::sum);
                }
              }
              byPackage.forEach((p, j) -> cb.call(j, Integer.toString(p)));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_energy_zone_readable")
        .help("1 when the zone's counter could be read at the last sample, 0 when not")
        .labelNames("zone", "name")
        .callback(
            cb -> {
              for (EnergyMeter.ZoneTotal t : meter.totals()) {
                cb.call(t.lastError() == null ? 1 : 0, t.zone().id(), t.zone().name());
              }
            })
        .register(registry);
  }

  private static void drift(PrometheusRegistry registry, DriftCheck drift) {
    CounterWithCallback.builder()
        .name("vmpower_drift")
        .help(
            "Times the drift check found a CPU setting vmpower manages changed by someone else"
                + " (cpu=\"host\" for a host-wide one); each is then adopted or re-applied")
        .labelNames("cpu", "setting")
        .callback(
            cb ->
                drift
                    .counts()
                    .forEach(
                        (key, n) -> {
                          int slash = key.indexOf('/');
                          cb.call(n, key.substring(0, slash), key.substring(slash + 1));
                        }))
        .register(registry);
    CounterWithCallback.builder()
        .name("vmpower_drift_checks")
        .help("Times the drift check's timer ran")
        .callback(cb -> cb.call(drift.checks()))
        .register(registry);
  }

  private static void channels(PrometheusRegistry registry, VmRegistry vms) {
    CounterWithCallback.builder()
        .name("vmpower_requests")
        .help(
            "Guest requests read, by where they went (acked, answered, connects, legacy_served,"
                + " nack_*, refused_*, dropped_disabled); the outcomes of a channel add up to"
                + " the requests it read. A channel has these series once it has read a request.")
        .labelNames("vm", "channel", "outcome")
        .callback(
            cb -> {
              for (Vm vm : vms.all()) {
                for (Channel c : vm.channels().values()) {
                  ChannelStats s = c.stats();
                  if (s.get(Counter.REQUESTS) == 0) {
                    continue;
                  }
                  String ch = Integer.toString(c.number());
                  for (int i = 0; i < OUTCOMES.length; i++) {
                    cb.call(s.get(OUTCOMES[i]), vm.name(), ch, OUTCOME_NAMES[i]);
                  }
                }
              }
            })
        .register(registry);
    channelCounter(
        registry,
        "vmpower_replies_dropped",
        "Replies dropped because the guest did not read them and its queue was full",
        Counter.REPLIES_DROPPED,
        vms);
    channelCounter(
        registry,
        "vmpower_incomplete_request_bytes",
        "Bytes of an incomplete request lost when the channel hung up",
        Counter.INCOMPLETE_BYTES,
        vms);
    channelCounter(
        registry,
        "vmpower_channel_hangups",
        "Times the channel's peer hung up",
        Counter.HANGUPS,
        vms);
    channelCounter(
        registry,
        "vmpower_channel_attaches",
        "Times the channel was attached (first attach and re-attaches)",
        Counter.ATTACHES,
        vms);
    channelCounter(
        registry,
        "vmpower_channel_peer_refusals",
        "Attaches refused because the peer's uid is not the allowed one",
        Counter.PEER_REFUSED,
        vms);
    GaugeWithCallback.builder()
        .name("vmpower_channel_state")
        .help(
            "1 for the channel's current state (disconnected, connected, disabled, processing),"
                + " 0 for the others")
        .labelNames("vm", "channel", "state")
        .callback(
            cb -> {
              for (Vm vm : vms.all()) {
                for (Channel c : vm.channels().values()) {
                  ChannelState now = c.state();
                  String ch = Integer.toString(c.number());
                  for (ChannelState st : STATES) {
                    cb.call(st == now ? 1 : 0, vm.name(), ch, st.name().toLowerCase(Locale.ROOT));
                  }
                }
              }
            })
        .register(registry);
  }

  private static void channelCounter(
      PrometheusRegistry registry, String name, String help, Counter counter, VmRegistry vms) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("vm", "channel")
        .callback(
            cb -> {
              for (Vm vm : vms.all()) {
                for (Channel c : vm.channels().values()) {
                  cb.call(c.stats().get(counter), vm.name(), Integer.toString(c.number()));
                }
              }
            })
        .register(registry);
  }

  private static void cpus(PrometheusRegistry registry, PowerManager power) {
    CpuFrequencies f = power.frequencies();
    GaugeWithCallback.builder()
        .name("vmpower_cpu_scaling_frequency_hertz")
        .help("The frequency the CPU is at now, as its frequency backend reports it")
        .labelNames("cpu")
        .callback(cb -> eachCpu(f, cpu -> cb.call(power.currentKhz(cpu) * 1000.0, cpuLabel(cpu))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_cpu_set_frequency_hertz")
        .help(
            "The frequency vmpower last set on the CPU (for a guest or an operator); absent"
                + " until it sets one")
        .labelNames("cpu")
        .callback(
            cb ->
                eachCpu(
                    f,
                    cpu -> {
                      long khz = power.lastSetKhz(cpu);
                      if (khz > 0) {
                        cb.call(khz * 1000.0, cpuLabel(cpu));
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_cpu_scaling_frequency_min_hertz")
        .help("The lowest frequency of the CPU's table")
        .labelNames("cpu")
        .callback(
            cb ->
                eachCpu(
                    f,
                    cpu -> {
                      FrequencyTable t = f.table(cpu);
                      cb.call(t.get(t.lowestIndex()) * 1000.0, cpuLabel(cpu));
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_cpu_scaling_frequency_max_hertz")
        .help("The highest frequency of the CPU's table (the turbo entry when it has one)")
        .labelNames("cpu")
        .callback(cb -> eachCpu(f, cpu -> cb.call(f.table(cpu).get(0) * 1000.0, cpuLabel(cpu))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_cpu_scaling_governor")
        .help("1 for the CPU's current governor")
        .labelNames("cpu", "governor")
        .callback(cb -> eachCpu(f, cpu -> cb.call(1, cpuLabel(cpu), f.governor(cpu))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_cpu_scaling_driver")
        .help("1 for the CPU's cpufreq driver")
        .labelNames("cpu", "driver")
        .callback(cb -> eachCpu(f, cpu -> cb.call(1, cpuLabel(cpu), f.driver(cpu))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_cpu_turbo_enabled")
        .help("1 when turbo may be used on the CPU, 0 when not or when it has no turbo")
        .labelNames("cpu")
        .callback(cb -> eachCpu(f, cpu -> cb.call(f.turboEnabled(cpu) ? 1 : 0, cpuLabel(cpu))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("vmpower_cpu_online")
        .help("1 for a CPU vmpower controls, 0 for one that is offline")
        .labelNames("cpu")
        .callback(
            cb -> {
              CpuSet on = f.cpus();
              CpuSet off = f.offlineCpus();
              on.forEach(cpu -> cb.call(1, cpuLabel(cpu)));
              off.forEach(cpu -> cb.call(0, cpuLabel(cpu)));
            })
        .register(registry);
  }

  private static void eachCpu(CpuFrequencies f, java.util.function.IntConsumer action) {
    f.cpus().forEach(action);
  }

  private static String cpuLabel(int cpu) {
    return Integer.toString(cpu);
  }

  private static Counter[] outcomes() {
    return java.util.Arrays.stream(Counter.values())
        .filter(Counter::isRequestOutcome)
        .toArray(Counter[]::new);
  }

  private static String[] names(Counter[] counters) {
    String[] out = new String[counters.length];
    for (int i = 0; i < counters.length; i++) {
      out[i] = counters[i].name().toLowerCase(Locale.ROOT);
    }
    return out;
  }
}
