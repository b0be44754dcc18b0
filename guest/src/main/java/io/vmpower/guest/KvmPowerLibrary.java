package io.vmpower.guest;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.power.ScaleOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM side of the power library (DPDK's power_kvm_vm): each lcore asks the host monitor over its
 * own virtio-serial port {@code PREFIX.N}; see {@link KvmChannel} for the exchange.
 */
final class KvmPowerLibrary implements PowerLibrary {
  private static final Logger log = LoggerFactory.getLogger(KvmPowerLibrary.class);

  private final PowerLibraryConfig config;
  private final Map<Integer, KvmChannel> channels = new ConcurrentSkipListMap<>();
  private final ScheduledExecutorService watchdog;

  KvmPowerLibrary(PowerLibraryConfig config) {
    this.config = config;
    ScheduledThreadPoolExecutor w =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("vmpower-port-watchdog");
              t.setDaemon(true);
              return t;
            });
    w.setRemoveOnCancelPolicy(true);
    this.watchdog = w;
  }

  @Override
  public Environment environment() {
    return Environment.VM;
  }

  @Override
  public synchronized void init(int lcore) throws PowerLibraryException {
    checkLcore(lcore);
    KvmChannel existing = channels.get(lcore);
    if (existing != null) {
      throw new IllegalStateException(
          "lcore "
              + lcore
              + " is already initialised (port "
              + existing.path()
              + "): exit it before initialising it again");
    }
    Path port = KvmPorts.path(config.portPrefix(), lcore);
    if (!Files.exists(port)) {
      CpuSet found = KvmPorts.list(config.portPrefix());
      throw new PowerLibraryException(
          "no port "
              + port
              + " for lcore "
              + lcore
              + (found.isEmpty()
                  ? " (no port " + config.portPrefix() + ".N at all)"
                  : " (ports exist for lcores " + found.toListString() + ")")
              + ": add a virtio-serial channel named "
              + port.getFileName()
              + " to the VM");
    }
    channels.put(lcore, KvmChannel.open(lcore, port, config, watchdog));
  }

  @Override
  public synchronized void exit(int lcore) {
    KvmChannel ch = channels.remove(lcore);
    if (ch == null) {
      throw notInitialised(lcore);
    }
    ch.close();
    log.info("lcore {}: exited, {} closed", lcore, ch.path());
  }

  @Override
  public CpuSet lcores() {
    BitSet b = new BitSet();
    channels.keySet().forEach(b::set);
    return CpuSet.fromBitSet(b);
  }

  @Override
  public PowerResult scale(int lcore, ScaleOp op) {
    return channel(lcore).scale(op);
  }

  @Override
  public long[] freqs(int lcore) {
    throw new UnsupportedOperationException(
        "the frequency table is known on a host only; in a VM ask the host with query_cpu_freq");
  }

  @Override
  public long currentFrequency(int lcore) {
    throw new UnsupportedOperationException(
        "the current frequency is read on a host only; in a VM ask the host with query_cpu_freq");
  }

  @Override
  public QueryResult<VcpuFrequency> queryFrequency(int lcore) {
    return channel(lcore).queryFrequency(false);
  }

  @Override
  public QueryResult<VcpuFrequency> queryFrequencies() {
    return firstChannel().queryFrequency(true);
  }

  @Override
  public QueryResult<VcpuCapabilities> queryCaps(int lcore) {
    return channel(lcore).queryCaps(false);
  }

  @Override
  public QueryResult<VcpuCapabilities> queryCapsAll() {
    return firstChannel().queryCaps(true);
  }

  @Override
  public synchronized void close() {
    channels.values().forEach(KvmChannel::close);
    channels.clear();
    watchdog.shutdownNow();
  }

  private KvmChannel channel(int lcore) {
    KvmChannel ch = channels.get(lcore);
    if (ch == null) {
      throw notInitialised(lcore);
    }
    return ch;
  }

  /** Lists go over the first initialised lcore's port, as DPDK's guest CLI does. */
  private KvmChannel firstChannel() {
    for (KvmChannel ch : channels.values()) {
      return ch;
    }
    throw new IllegalStateException("no lcore is initialised: initialise one to ask the host");
  }

  private IllegalStateException notInitialised(int lcore) {
    CpuSet live = lcores();
    return new IllegalStateException(
        "lcore "
            + lcore
            + " is not initialised"
            + (live.isEmpty() ? " (none is)" : " (initialised: " + live.toListString() + ")"));
  }

  static void checkLcore(int lcore) {
    if (lcore < 0 || lcore > CpuSet.MAX_CPU) {
      throw new IllegalArgumentException(
          "lcore " + lcore + " is out of range: use 0 to " + CpuSet.MAX_CPU);
    }
  }
}
