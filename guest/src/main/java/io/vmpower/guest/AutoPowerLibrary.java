package io.vmpower.guest;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.power.ScaleOp;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The power library: picks the host or the VM implementation at the first {@link #init} (as
 * configured, or detected when the environment is {@link Environment#AUTO}) and keeps it while any
 * lcore is initialised.
 *
 * <pre>{@code
 * try (PowerLibrary power = new AutoPowerLibrary(PowerLibraryConfig.defaults(), SysfsCpuFrequencies::new)) {
 *   power.init(1);
 *   PowerResult r = power.freqUp(1);   // ACK / NACK / NO_REPLY in a VM, CHANGED / ... on a host
 * }
 * }</pre>
 */
public final class AutoPowerLibrary implements PowerLibrary {
  private static final Logger log = LoggerFactory.getLogger(AutoPowerLibrary.class);

  private final PowerLibraryConfig config;
  private final Function<Path, CpuFrequencies> frequencies;
  private final EnvironmentDetector detector;
  private volatile PowerLibrary delegate;

  /**
   * @param config the options
   * @param frequencies opens the host's cpufreq backend on a sysfs root; called only when the
   *     library runs on a host
   */
  public AutoPowerLibrary(PowerLibraryConfig config, Function<Path, CpuFrequencies> frequencies) {
    this.config = Objects.requireNonNull(config);
    this.frequencies = Objects.requireNonNull(frequencies);
    this.detector = new EnvironmentDetector(config.sysfsRoot(), config.portPrefix());
  }

  public PowerLibraryConfig config() {
    return config;
  }

  @Override
  public Environment environment() {
    PowerLibrary d = delegate;
    return d == null ? Environment.AUTO : d.environment();
  }

  @Override
  public synchronized void init(int lcore) throws PowerLibraryException {
    KvmPowerLibrary.checkLcore(lcore);
    PowerLibrary d = delegate;
    if (d != null && d.lcores().isEmpty()) {
      delegate = null;
      d.close();
      d = null;
    }
    if (d == null) {
      Environment env =
          config.environment() == Environment.AUTO ? detector.detect(lcore) : config.environment();
      log.info("power library runs in environment {} ({})", env, config);
      d =
          env == Environment.HOST
              ? new HostPowerLibrary(config, frequencies)
              : new KvmPowerLibrary(config);
      delegate = d;
    }
    d.init(lcore);
  }

  @Override
  public synchronized void exit(int lcore) {
    active(lcore).exit(lcore);
  }

  @Override
  public CpuSet lcores() {
    PowerLibrary d = delegate;
    return d == null ? CpuSet.empty() : d.lcores();
  }

  @Override
  public PowerResult scale(int lcore, ScaleOp op) {
    return active(lcore).scale(lcore, Objects.requireNonNull(op, "op"));
  }

  @Override
  public long[] freqs(int lcore) {
    return active(lcore).freqs(lcore);
  }

  @Override
  public long currentFrequency(int lcore) {
    return active(lcore).currentFrequency(lcore);
  }

  @Override
  public QueryResult<VcpuFrequency> queryFrequency(int lcore) {
    return active(lcore).queryFrequency(lcore);
  }

  @Override
  public QueryResult<VcpuFrequency> queryFrequencies() {
    return active(-1).queryFrequencies();
  }

  @Override
  public QueryResult<VcpuCapabilities> queryCaps(int lcore) {
    return active(lcore).queryCaps(lcore);
  }

  @Override
  public QueryResult<VcpuCapabilities> queryCapsAll() {
    return active(-1).queryCapsAll();
  }

  @Override
  public synchronized void close() {
    PowerLibrary d = delegate;
    delegate = null;
    if (d != null) {
      d.close();
    }
  }

  private PowerLibrary active(int lcore) {
    PowerLibrary d = delegate;
    if (d == null) {
      throw new IllegalStateException(
          (lcore < 0 ? "no lcore" : "lcore " + lcore) + " is not initialised (none is)");
    }
    return d;
  }
}
