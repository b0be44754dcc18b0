package io.vmpower.guest;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.power.ScaleOp;

/**
 * The power API of DPDK's librte_power, the same in a VM and on a host: initialise an lcore, then
 * scale its frequency. In a VM each request goes to the host monitor over the lcore's virtio-serial
 * port and the result is the host's ACK or NACK (or NO_REPLY); on a host it scales the CPU numbered
 * like the lcore through cpufreq, and the result says what changed.
 *
 * <p>Thread-safe: calls for different lcores run in parallel, calls for one lcore one at a time.
 */
public interface PowerLibrary extends AutoCloseable {

  /** HOST or VM once chosen (at the first {@link #init}); AUTO before. */
  Environment environment();

  /**
   * Starts using {@code lcore}: in a VM opens its port and sends the CONNECT packet; on a host
   * checks the CPU can be scaled.
   *
   * @throws PowerLibraryException when the lcore cannot be used, saying what to check
   * @throws IllegalStateException when the lcore is already initialised
   */
  void init(int lcore) throws PowerLibraryException;

  /**
   * Stops using {@code lcore}: closes its port in a VM. On a host, once the last lcore exits, every
   * frequency setting changed is restored.
   *
   * @throws IllegalStateException when the lcore is not initialised
   */
  void exit(int lcore);

  /** The initialised lcores. */
  CpuSet lcores();

  /**
   * Applies {@code op} to {@code lcore}.
   *
   * @throws IllegalStateException when the lcore is not initialised
   */
  PowerResult scale(int lcore, ScaleOp op);

  default PowerResult freqUp(int lcore) {
    return scale(lcore, ScaleOp.UP);
  }

  default PowerResult freqDown(int lcore) {
    return scale(lcore, ScaleOp.DOWN);
  }

  default PowerResult freqMax(int lcore) {
    return scale(lcore, ScaleOp.MAX);
  }

  default PowerResult freqMin(int lcore) {
    return scale(lcore, ScaleOp.MIN);
  }

  default PowerResult enableTurbo(int lcore) {
    return scale(lcore, ScaleOp.ENABLE_TURBO);
  }

  default PowerResult disableTurbo(int lcore) {
    return scale(lcore, ScaleOp.DISABLE_TURBO);
  }

  /**
   * The frequencies {@code lcore} can run at in kHz, highest first. Host only.
   *
   * @throws UnsupportedOperationException in a VM (ask the host with {@link #queryFrequency})
   */
  long[] freqs(int lcore);

  /**
   * The frequency {@code lcore} runs at now in kHz. Host only.
   *
   * @throws UnsupportedOperationException in a VM (ask the host with {@link #queryFrequency})
   */
  long currentFrequency(int lcore);

  /** The current frequency of vCPU {@code lcore} (QUERY_FREQ in a VM). */
  QueryResult<VcpuFrequency> queryFrequency(int lcore);

  /** The current frequency of every vCPU of the VM, at most 8 (QUERY_FREQ_LIST in a VM). */
  QueryResult<VcpuFrequency> queryFrequencies();

  /** What the CPU behind vCPU {@code lcore} can do (QUERY_CAPS in a VM). */
  QueryResult<VcpuCapabilities> queryCaps(int lcore);

  /** What the CPUs behind every vCPU can do, at most 8 (QUERY_CAPS_LIST in a VM). */
  QueryResult<VcpuCapabilities> queryCapsAll();

  /** Exits every lcore (see {@link #exit}) and releases the library's resources. */
  @Override
  void close();
}
