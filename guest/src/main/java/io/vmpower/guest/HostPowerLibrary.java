package io.vmpower.guest;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuCapabilities;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.power.ScaleOp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of the power library (DPDK's cpufreq backends): lcore N is CPU N, scaled through
 * core's {@link PowerManager} over the {@link CpuFrequencies} backend the factory opens on the
 * sysfs root. The backend is opened at the first init and closed (so every setting it changed is
 * restored) when the last lcore exits.
 */
final class HostPowerLibrary implements PowerLibrary {
  private static final Logger log = LoggerFactory.getLogger(HostPowerLibrary.class);

  private final PowerLibraryConfig config;
  private final Function<Path, CpuFrequencies> factory;
  private final BitSet lcores = new BitSet();
  private CpuFrequencies frequencies;
  private PowerManager power;

  HostPowerLibrary(PowerLibraryConfig config, Function<Path, CpuFrequencies> factory) {
    this.config = config;
    this.factory = factory;
  }

  @Override
  public Environment environment() {
    return Environment.HOST;
  }

  @Override
  public synchronized void init(int lcore) throws PowerLibraryException {
    KvmPowerLibrary.checkLcore(lcore);
    if (lcores.get(lcore)) {
      throw new IllegalStateException(
          "lcore "
              + lcore
              + " is already initialised (CPU "
              + lcore
              + "): exit it before initialising it again");
    }
    PowerManager pm = powerManager();
    if (!pm.controls(lcore)) {
      String why = pm.describeMissing(lcore);
      if (lcores.isEmpty()) {
        shutDownBackend();
      }
      throw new PowerLibraryException("cannot scale lcore " + lcore + " on this host: " + why);
    }
    lcores.set(lcore);
    log.info(
        "lcore {}: CPU {} scaled through {} ({})",
        lcore,
        lcore,
        frequencies.description(),
        frequencies.driver(lcore));
  }

  @Override
  public synchronized void exit(int lcore) {
    if (!lcores.get(lcore)) {
      throw notInitialised(lcore);
    }
    lcores.clear(lcore);
    if (lcores.isEmpty()) {
      shutDownBackend();
    }
  }

  @Override
  public synchronized CpuSet lcores() {
    return CpuSet.fromBitSet(lcores);
  }

  @Override
  public PowerResult scale(int lcore, ScaleOp op) {
    return PowerResult.of(initialised(lcore).scaleReport(lcore, op));
  }

  @Override
  public long[] freqs(int lcore) {
    return initialised(lcore).frequencies().table(lcore).toArray();
  }

  @Override
  public long currentFrequency(int lcore) {
    return initialised(lcore).currentKhz(lcore);
  }

  @Override
  public QueryResult<VcpuFrequency> queryFrequency(int lcore) {
    return QueryResult.answered(List.of(new VcpuFrequency(lcore, currentFrequency(lcore))));
  }

  @Override
  public QueryResult<VcpuFrequency> queryFrequencies() {
    List<VcpuFrequency> out = new ArrayList<>();
    for (int cpu : lcores().toArray()) {
      out.add(new VcpuFrequency(cpu, currentFrequency(cpu)));
    }
    return QueryResult.answered(out);
  }

  @Override
  public QueryResult<VcpuCapabilities> queryCaps(int lcore) {
    return QueryResult.answered(List.of(caps(lcore)));
  }

  @Override
  public QueryResult<VcpuCapabilities> queryCapsAll() {
    List<VcpuCapabilities> out = new ArrayList<>();
    for (int cpu : lcores().toArray()) {
      out.add(caps(cpu));
    }
    return QueryResult.answered(out);
  }

  @Override
  public synchronized void close() {
    lcores.clear();
    shutDownBackend();
  }

  private VcpuCapabilities caps(int lcore) {
    CpuCapabilities c = initialised(lcore).frequencies().capabilities(lcore);
    return new VcpuCapabilities(lcore, c.turbo(), c.priorityCore());
  }

  private synchronized PowerManager initialised(int lcore) {
    if (!lcores.get(lcore)) {
      throw notInitialised(lcore);
    }
    return power;
  }

  private PowerManager powerManager() throws PowerLibraryException {
    if (power == null) {
      try {
        frequencies = factory.apply(config.sysfsRoot());
      } catch (RuntimeException e) {
        throw new PowerLibraryException(
            "cannot open the cpufreq backend under " + config.sysfsRoot() + ": " + e.getMessage(),
            e);
      }
      power = new PowerManager(frequencies);
    }
    return power;
  }

  private void shutDownBackend() {
    if (frequencies != null) {
      frequencies.close();
      log.info("cpufreq settings restored ({})", frequencies.description());
    }
    frequencies = null;
    power = null;
  }

  private IllegalStateException notInitialised(int lcore) {
    return new IllegalStateException(
        "lcore "
            + lcore
            + " is not initialised"
            + (lcores.isEmpty()
                ? " (none is)"
                : " (initialised: " + CpuSet.fromBitSet(lcores).toListString() + ")"));
  }
}
