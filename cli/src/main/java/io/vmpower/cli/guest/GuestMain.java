package io.vmpower.cli.guest;

import io.vmpower.cli.shell.ShellConverters;
import io.vmpower.cli.shell.ShellRunner;
import io.vmpower.core.BuildInfo;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.wire.WireFormat;
import io.vmpower.guest.AutoPowerLibrary;
import io.vmpower.guest.Environment;
import io.vmpower.guest.KvmPorts;
import io.vmpower.guest.PowerLibrary;
import io.vmpower.guest.PowerLibraryConfig;
import io.vmpower.guest.PowerLibraryException;
import io.vmpower.hal.linux.cpufreq.SysfsCpuFrequencies;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * The guest CLI ({@code guest-vm-power-mgr}): initialises the lcores, then runs the {@code
 * vm_power(guest)>} shell: interactive on a terminal, else the commands of standard input or of
 * {@code --script}.
 */
@Command(
    name = "guest-vm-power-mgr",
    sortOptions = false,
    versionProvider = GuestMain.Version.class,
    description = {
      "VM Power Manager guest CLI: asks the host monitor to scale this VM's vCPUs, one"
          + " virtio-serial port per lcore (or scales the CPUs itself on a host).",
      "Its shell's commands: set_cpu_freq LCORE up|down|min|max|enable_turbo|disable_turbo,"
          + " query_cpu_freq LCORE|all, query_cpu_caps LCORE|all, help, quit.",
      ""
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every command succeeded",
      "1:a command failed, or no lcore could be initialised",
      "2:bad options"
    },
    footerHeading = "%nEnvironment:%n",
    footer = {"VMPOWER_LOG_LEVEL=DEBUG: the library's diagnostics on standard error."})
public final class GuestMain implements Callable<Integer> {
  /** The exit status for bad options. */
  static final int USAGE = 2;

  @Option(
      names = "--lcores",
      paramLabel = "LIST",
      description = "lcores to initialise, e.g. 0-3,5 (default: every port PREFIX.N found)")
  CpuSet lcores;

  @Option(
      names = "--vm-name",
      paramLabel = "NAME",
      description = "vm_name sent in queries, at most 31 bytes (default: the host name)")
  String vmName;

  @Option(
      names = "--port-prefix",
      paramLabel = "PATH",
      description = "ports are PATH.N (default: ${DEFAULT-VALUE})")
  Path portPrefix = Path.of(PowerLibraryConfig.DEFAULT_PORT_PREFIX);

  @Option(
      names = "--wire",
      paramLabel = "dpdk|legacy",
      description = "request layout: dpdk (464 bytes, with replies) or legacy (16 bytes, none)")
  WireFormat wire = WireFormat.DPDK;

  @Option(
      names = "--script",
      paramLabel = "FILE",
      description = "run the commands of FILE, then quit")
  Path script;

  @Option(
      names = "--batch",
      description = "read commands from standard input without a prompt, even on a terminal")
  boolean batch;

  @Option(
      names = "--environment",
      paramLabel = "auto|host|vm",
      description = "where this runs (default: auto: host when cpufreq is usable, else vm)")
  Environment environment = Environment.AUTO;

  @Option(
      names = "--sysfs-root",
      paramLabel = "PATH",
      description = "where sysfs is, for host mode (default: ${DEFAULT-VALUE})")
  Path sysfsRoot = PowerLibraryConfig.DEFAULT_SYSFS_ROOT;

  @Option(
      names = "--reply-timeout-ms",
      paramLabel = "MS",
      description = "how long to wait for the host's reply (default: ${DEFAULT-VALUE})")
  long replyTimeoutMs = PowerLibraryConfig.DEFAULT_REPLY_TIMEOUT.toMillis();

  @Option(
      names = "--connect-timeout-ms",
      paramLabel = "MS",
      description =
          "how long a write may block before the port is said to have no host"
              + " (default: ${DEFAULT-VALUE})")
  long connectTimeoutMs = PowerLibraryConfig.DEFAULT_CONNECT_TIMEOUT.toMillis();

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "print the version and exit")
  boolean version;

  /** {@code --version}: the build's version ({@link BuildInfo}), as the host program says it. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vmpower " + BuildInfo.version()};
    }
  }

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminalAttached;
  private final Function<Path, CpuFrequencies> frequencies;

  /**
   * @param terminalAttached whether standard input and output are a terminal (then the shell is
   *     interactive unless {@code --batch} or {@code --script} is given)
   * @param frequencies opens the host's cpufreq backend on a sysfs root, for host mode
   */
  public GuestMain(
      InputStream in,
      PrintStream out,
      PrintStream err,
      boolean terminalAttached,
      Function<Path, CpuFrequencies> frequencies) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.terminalAttached = terminalAttached;
    this.frequencies = frequencies;
  }

  public static void main(String[] args) {
    System.exit(
        new GuestMain(
                System.in,
                System.out,
                System.err,
                ShellRunner.terminalAttached(),
                SysfsCpuFrequencies::new)
            .run(args));
  }

  /** Parses {@code args} and runs; returns the exit status. */
  public int run(String... args) {
    CommandLine cl = new CommandLine(this);
    cl.registerConverter(CpuSet.class, ShellConverters.of(CpuSet::parseList));
    cl.registerConverter(WireFormat.class, ShellConverters.of(WireFormat::parse));
    cl.registerConverter(Environment.class, ShellConverters.of(Environment::parse));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler(
        (e, badArgs) -> {
          e.getCommandLine().getErr().println(e.getMessage());
          e.getCommandLine().getErr().println("Type 'guest-vm-power-mgr --help' for the options.");
          return USAGE;
        });
    return cl.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    PowerLibraryConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      err.println("Error: " + e.getMessage());
      return USAGE;
    }
    CpuSet wanted = lcores != null ? lcores : defaultLcores();
    try (PowerLibrary library = new AutoPowerLibrary(config, frequencies)) {
      for (int lcore : wanted.toArray()) {
        try {
          library.init(lcore);
          out.println("lcore " + lcore + ": initialised (" + where(library, lcore) + ")");
        } catch (PowerLibraryException | IllegalStateException e) {
          err.println("lcore " + lcore + ": not initialised: " + e.getMessage());
        }
      }
      if (library.lcores().isEmpty()) {
        err.println("No lcore could be initialised.");
        return 1;
      }
      ShellRunner shell = new ShellRunner(GuestShell.commands(library), GuestShell.PROMPT);
      boolean interactive = script == null && !batch && terminalAttached;
      return shell.run(script, interactive, null, in, out, err);
    }
  }

  private PowerLibraryConfig config() {
    PowerLibraryConfig.Builder b =
        PowerLibraryConfig.builder()
            .environment(environment)
            .portPrefix(portPrefix)
            .sysfsRoot(sysfsRoot)
            .wireFormat(wire)
            .replyTimeout(Duration.ofMillis(replyTimeoutMs))
            .connectTimeout(Duration.ofMillis(connectTimeoutMs));
    if (vmName != null) {
      b.vmName(vmName);
    }
    return b.build();
  }

  /** Every port found; lcore 0 when there is none (its init then says what is missing). */
  private CpuSet defaultLcores() {
    CpuSet found = KvmPorts.list(portPrefix);
    return found.isEmpty() ? CpuSet.of(0) : found;
  }

  private String where(PowerLibrary library, int lcore) {
    return library.environment() == Environment.HOST
        ? "host, CPU " + lcore + " under " + sysfsRoot
        : "vm, port " + KvmPorts.path(portPrefix, lcore);
  }
}
