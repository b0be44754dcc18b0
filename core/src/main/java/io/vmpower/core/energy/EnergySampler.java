package io.vmpower.core.energy;

import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.Hypervisor;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmStatistics;
import io.vmpower.core.power.PowerManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the {@link EnergyMeter} and attributes what the packages counted to the VMs ({@link
 * EnergyAttribution}), on a thread of its own (a daemon thread, {@code vmpower-energy}): on a timer
 * so that no counter wrap is missed while nobody asks, and when a scrape or {@code show_energy}
 * asks ({@link #sampleNow()}, which runs the sample on that thread and waits for it). Each sample
 * reads the counters, then the VMs that run (the hypervisor's list, each VM's pinning), their
 * vCPUs' busy times ({@link VmStatistics}, one call for all) and each pCPU's weight integral, which
 * the {@link PowerManager} advances at each frequency write. The channel monitor never waits for
 * any of it. A source that fails (the hypervisor, the statistics) is logged once while it fails and
 * counted; that sample attributes nothing, and the next one that succeeds attributes the whole
 * span. Does nothing when the host has no energy counters.
 */
@Singleton
public final class EnergySampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EnergySampler.class);

  /** How long a scrape or show_energy waits for a sample before it shows the last one. */
  private static final long WAIT_SECONDS = 10;

  /** How the attribution fares, for show_energy and the metrics. */
  public record Status(long samples, long failures, String problem) {}

  private final EnergyMeter meter;
  private final EnergySettings settings;
  private final PowerManager power;
  private final Hypervisor hypervisor;
  private final VmStatistics statistics;
  private final Clock clock;
  private final EnergyAttribution attribution;
  private ScheduledExecutorService timer;
  private long startNanos;

  // the running VMs' pinning, kept between samples (sampler's thread), and what events made stale
  private final Map<String, VmInfo> known = new java.util.HashMap<>();
  private final java.util.Set<String> stale = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean allStale = true;
  private boolean listening;

  // written on the sampler's thread only; read by views
  private volatile long samples;
  private volatile long failures;
  private volatile String problem;

  @Inject
  public EnergySampler(
      EnergyMeter meter,
      EnergySettings settings,
      PowerManager power,
      Hypervisor hypervisor,
      VmStatistics statistics,
      Clock clock) {
    this.meter = meter;
    this.settings = settings;
    this.power = power;
    this.hypervisor = hypervisor;
    this.statistics = statistics;
    this.clock = clock;
    this.attribution = new EnergyAttribution(meter.zones());
  }

  public EnergyMeter meter() {
    return meter;
  }

  public EnergyAttribution attribution() {
    return attribution;
  }

  /** Attribution samples taken, failed ones, and why the last one failed (null when it did not). */
  public Status status() {
    return new Status(samples, failures, problem);
  }

  /**
   * Starts weighing the pCPUs' frequencies, takes the first sample (on the sampler's thread) and
   * starts the timer. Idempotent.
   */
  public void start() {
    Future<?> first;
    synchronized (this) {
      if (timer != null || meter.zones().isEmpty()) {
        return;
      }
      power.trackWeights();
      if (!listening) {
        hypervisor.addListener(this::changed);
        listening = true;
      }
      startNanos = clock.nanoTime();
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "vmpower-energy");
                t.setDaemon(true);
                return t;
              });
      first = timer.submit(this::run);
      if (!settings.interval().isZero()) {
        long millis = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::run, millis, millis, TimeUnit.MILLISECONDS);
      }
    }
    await(first);
  }

  /**
   * Samples now on the sampler's thread and waits for it (at most 10 s): what a scrape and {@code
   * show_energy} call, so that they show totals up to now. Does nothing when not started.
   */
  public void sampleNow() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = timer;
    }
    if (t == null) {
      return;
    }
    try {
      await(t.submit(this::run));
    } catch (RejectedExecutionException e) {
      // closing: the last sample stands
    }
  }

  private static void await(Future<?> f) {
    try {
      f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("energy sample did not complete: {}", e.toString());
    } catch (java.util.concurrent.CancellationException e) {
      // the sampler closed meanwhile: the last sample stands
    }
  }

  /** One sample: the counters, then the attribution. On the sampler's thread. */
  private void run() {
    try {
      meter.sample();
      attribute();
    } catch (RuntimeException e) {
      log.error("energy sample failed: {}", e.toString(), e);
    }
  }

  private void attribute() {
    List<EnergyAttribution.Vcpu> vcpus;
    try {
      vcpus = runningVcpus();
    } catch (HypervisorException | RuntimeException e) {
      allStale = true; // a lookup may have failed half-way: look every VM up again next time
      failures++;
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      if (problem == null) {
        log.warn(
            "per-VM energy: cannot read the VMs' vCPU times ({}); the energy counted meanwhile is"
                + " attributed at the next sample that can",
            why);
      }
      problem = why;
      return;
    }
    attribution.sample(meter.takePending(), vcpus, this::weightIntegral);
    samples++;
    if (problem != null) {
      log.info("per-VM energy: the VMs' vCPU times can be read again");
      problem = null;
    }
  }

  /**
   * Every vCPU of the VMs that run, with its busy time and pinning. The VMs' pinning is kept from
   * one sample to the next and looked up again only for a VM the hypervisor has announced a change
   * of (started, stopped, changed, re-pinned) or that is new, and for all after the connection came
   * back, so that a sample costs one listing and one statistics call, not a lookup per VM.
   */
  private List<EnergyAttribution.Vcpu> runningVcpus() throws HypervisorException {
    if (allStale) {
      allStale = false;
      known.clear();
    }
    List<String> names = hypervisor.vmNames();
    known.keySet().retainAll(new java.util.HashSet<>(names));
    for (String name : names) {
      if (stale.remove(name) || !known.containsKey(name)) {
        Optional<VmInfo> info = hypervisor.lookup(name);
        if (info.isPresent()) {
          known.put(name, info.get());
        } else {
          known.remove(name);
        }
      }
    }
    List<String> running = new ArrayList<>();
    known.forEach(
        (name, info) -> {
          if (info.active()) {
            running.add(name);
          }
        });
    List<EnergyAttribution.Vcpu> out = new ArrayList<>();
    if (running.isEmpty()) {
      return out;
    }
    for (VmCounters c : statistics.read(running).values()) {
      VmInfo info = known.get(c.vm());
      if (info == null) {
        continue;
      }
      int n = Math.min(c.vcpuCount(), info.pinning().size());
      for (int v = 0; v < n; v++) {
        CpuSet pins = info.pinning().get(v);
        out.add(new EnergyAttribution.Vcpu(c.vm(), v, c.vcpuTimeNanos()[v], pins));
      }
    }
    return out;
  }

  /** Marks what a hypervisor event changed, for the next sample. On the backend's thread. */
  private void changed(HypervisorEvent e) {
    if (e instanceof HypervisorEvent.VmStarting x) {
      stale.add(x.vm());
    } else if (e instanceof HypervisorEvent.VmStarted x) {
      stale.add(x.vm());
    } else if (e instanceof HypervisorEvent.VmStopped x) {
      stale.add(x.vm());
    } else if (e instanceof HypervisorEvent.VmChanged x) {
      stale.add(x.vm());
    } else if (e instanceof HypervisorEvent.PinningChanged x) {
      stale.add(x.vm());
    } else {
      allStale = true; // the connection was lost or came back: anything may have changed
    }
  }

  /**
   * ∫ w(f) dt of a pCPU: the power manager's for a CPU whose frequency it controls, weight 1 (its
   * nominal frequency) for one it does not.
   */
  private double weightIntegral(int cpu) {
    return power.controls(cpu)
        ? power.weightIntegral(cpu)
        : (double) (clock.nanoTime() - startNanos);
  }

  public synchronized boolean running() {
    return timer != null;
  }

  /**
   * Every zone with its total, and the per-VM and unattributed joules so far ({@code show_energy}).
   */
  public EnergyReport report() {
    if (running()) {
      sampleNow();
    } else {
      meter.sample();
    }
    EnergyAttribution.Totals t = attribution.totals();
    List<EnergyReport.VmEnergy> vms = new ArrayList<>();
    t.vmJoules().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> vms.add(new EnergyReport.VmEnergy(e.getKey(), microjoules(e.getValue()))));
    List<EnergyReport.PackageEnergy> unattributed = new ArrayList<>();
    t.unattributedJoules().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                unattributed.add(
                    new EnergyReport.PackageEnergy(e.getKey(), microjoules(e.getValue()))));
    Status s = status();
    return new EnergyReport(
        meter.description(),
        meter.zoneReports(),
        vms,
        unattributed,
        new EnergyReport.Attribution(
            running(), statistics.description(), s.samples(), s.failures(), s.problem()));
  }

  /** Joules to the microjoule, the counters' unit: what a view shows. */
  private static double microjoules(double joules) {
    return Math.round(joules * 1e6) / 1e6;
  }

  @Override
  public synchronized void close() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer = null;
  }
}
