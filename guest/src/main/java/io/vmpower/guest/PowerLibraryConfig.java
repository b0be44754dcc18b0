package io.vmpower.guest;

import io.vmpower.core.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of the power library. Defaults: environment {@code AUTO}; port prefix {@value
 * #DEFAULT_PORT_PREFIX} (port of lcore N: {@code PREFIX.N}); sysfs root {@code /sys}; wire format
 * {@code DPDK} (464-byte requests); vm name the machine's host name cut to 31 bytes; reply timeout
 * 1 s; connect timeout 2 s (how long a write may block before the port is declared to have no
 * host).
 */
public final class PowerLibraryConfig {
  public static final String DEFAULT_PORT_PREFIX =
      "/dev/virtio-ports/virtio.serial.port.poweragent";
  public static final Path DEFAULT_SYSFS_ROOT = Path.of("/sys");
  public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private final Environment environment;
  private final Path portPrefix;
  private final Path sysfsRoot;
  private final WireFormat wireFormat;
  private final String vmName;
  private final Duration replyTimeout;
  private final Duration connectTimeout;

  private PowerLibraryConfig(Builder b) {
    this.environment = b.environment;
    this.portPrefix = b.portPrefix;
    this.sysfsRoot = b.sysfsRoot;
    this.wireFormat = b.wireFormat;
    this.vmName = b.vmName != null ? b.vmName : MachineName.local(b.hostnameFile);
    this.replyTimeout = b.replyTimeout;
    this.connectTimeout = b.connectTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static PowerLibraryConfig defaults() {
    return builder().build();
  }

  public Environment environment() {
    return environment;
  }

  /** Ports are {@code PREFIX.0}, {@code PREFIX.1}, ... */
  public Path portPrefix() {
    return portPrefix;
  }

  public Path sysfsRoot() {
    return sysfsRoot;
  }

  public WireFormat wireFormat() {
    return wireFormat;
  }

  /** The vm_name sent in 464-byte queries (the host does not trust it). */
  public String vmName() {
    return vmName;
  }

  public Duration replyTimeout() {
    return replyTimeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  @Override
  public String toString() {
    return "environment "
        + environment.optionName()
        + ", port prefix "
        + portPrefix
        + ", sysfs "
        + sysfsRoot
        + ", wire "
        + wireFormat.optionName()
        + ", vm name '"
        + vmName
        + "', reply timeout "
        + describe(replyTimeout)
        + ", connect timeout "
        + describe(connectTimeout);
  }

  /** {@code 2 s} for whole seconds, else {@code 300 ms}. */
  public static String describe(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  /** Builds a {@link PowerLibraryConfig}; every setter checks its value. */
  public static final class Builder {
    private Environment environment = Environment.AUTO;
    private Path portPrefix = Path.of(DEFAULT_PORT_PREFIX);
    private Path sysfsRoot = DEFAULT_SYSFS_ROOT;
    private WireFormat wireFormat = WireFormat.DPDK;
    private String vmName;
    private Path hostnameFile = Path.of("/proc/sys/kernel/hostname");
    private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

    private Builder() {}

    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** The ports' common path before {@code .N}; it must name a file inside a folder. */
    public Builder portPrefix(Path portPrefix) {
      Objects.requireNonNull(portPrefix, "portPrefix");
      if (portPrefix.getFileName() == null || portPrefix.getParent() == null) {
        throw new IllegalArgumentException(
            "port prefix '"
                + portPrefix
                + "' must be a folder and a name, like "
                + DEFAULT_PORT_PREFIX);
      }
      this.portPrefix = portPrefix;
      return this;
    }

    public Builder sysfsRoot(Path sysfsRoot) {
      this.sysfsRoot = Objects.requireNonNull(sysfsRoot, "sysfsRoot");
      return this;
    }

    public Builder wireFormat(WireFormat wireFormat) {
      this.wireFormat = Objects.requireNonNull(wireFormat, "wireFormat");
      return this;
    }

    /** The vm_name to send: at most 31 bytes of UTF-8 (it must fit the packet with its NUL). */
    public Builder vmName(String vmName) {
      Objects.requireNonNull(vmName, "vmName");
      int bytes = vmName.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MachineName.MAX_BYTES) {
        throw new IllegalArgumentException(
            "vm name '" + vmName + "' is " + bytes + " bytes; at most 31 fit the packet");
      }
      this.vmName = vmName;
      return this;
    }

    /** Where the default vm name is read from (tests use a file of their own). */
    Builder hostnameFile(Path hostnameFile) {
      this.hostnameFile = Objects.requireNonNull(hostnameFile);
      return this;
    }

    /** How long a request waits for the host's reply (positive). */
    public Builder replyTimeout(Duration replyTimeout) {
      this.replyTimeout = positive(replyTimeout, "reply timeout");
      return this;
    }

    /** How long a write (the CONNECT at init, or a request) may block before failing. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connect timeout");
      return this;
    }

    public PowerLibraryConfig build() {
      return new PowerLibraryConfig(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero() || d.toMillis() == 0) {
        throw new IllegalArgumentException(
            what + " " + d.toMillis() + " ms is not positive: give at least 1 ms");
      }
      return d;
    }
  }
}
