package io.vmpower.features;

import io.cucumber.guice.ScenarioScoped;
import io.vmpower.cli.HostApp;
import io.vmpower.cli.HostMain;
import io.vmpower.cli.config.ConfigLoader;
import io.vmpower.core.config.ConfigException;
import io.vmpower.core.config.ConfigSource;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.config.RunningConfig;
import io.vmpower.core.config.VmPowerConfig;
import io.vmpower.core.host.StateFile;
import io.vmpower.hal.linux.LinuxHalModule;
import io.vmpower.hal.linux.libvirt.LibvirtConnect;
import io.vmpower.hal.linux.libvirt.LibvirtConnector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The host program on real components: libvirt's test driver (a node.xml of the scenario's own), a
 * cpufreq tree of plain files, and real AF_UNIX sockets that a test listener binds as QEMU would.
 * The host runs as the launcher runs it ({@link HostMain#run}), reading typed commands.
 */
@ScenarioScoped
public final class LinuxHostWorld implements AutoCloseable {
  private final Path dir;
  private final Path sys;
  private final Path channels;
  private final StringBuilder nodeXml = new StringBuilder();
  private final Map<String, ServerSocketChannel> listeners = new TreeMap<>();
  private final Map<String, SocketChannel> guests = new TreeMap<>();
  private final List<String> vms = new ArrayList<>();
  private Map<Path, String> treeBefore;
  private TypedInput typing;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private CompletableFuture<Integer> exit;
  private HostApp daemon;
  private final List<LibvirtConnect> connections =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final LibvirtConnector connector =
      (uri, readOnly) -> {
        LibvirtConnect c = new LibvirtConnect(uri, readOnly);
        connections.add(c);
        return c;
      };

  public LinuxHostWorld() {
    try {
      dir = Files.createTempDirectory("vmpower-real-");
      sys = Files.createDirectories(dir.resolve("sys"));
      channels = Files.createDirectories(dir.resolve("channels"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path sys() {
    return sys;
  }

  public Path stateFile() {
    return dir.resolve("state.properties");
  }

  /** A domain of the libvirt test node: {@code pins.get(v)} is the cpuset of vCPU v. */
  public void domain(String name, boolean running, List<String> pins) {
    domain(name, running, pins, Map.of());
  }

  /**
   * A domain of the libvirt test node whose XML names power channels: number to the socket QEMU
   * binds ({@code <channel type='unix'><source mode='bind' path=.../><target type='virtio'
   * name='virtio.serial.port.poweragent.N'/>}).
   */
  public void domain(String name, boolean running, List<String> pins, Map<Integer, Path> power) {
    vms.add(name);
    nodeXml.append(domainXml(name, running, pins, power));
  }

  /** The XML of a domain as the test node (and domainDefineXML) take it. */
  public static String domainXml(
      String name, boolean running, List<String> pins, Map<Integer, Path> power) {
    StringBuilder nodeXml = new StringBuilder();
    nodeXml
        .append("  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n")
        .append("    <name>")
        .append(name)
        .append("</name>\n    <uuid>")
        .append(java.util.UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)))
        .append("</uuid>\n    <memory>1048576</memory>\n    <vcpu>")
        .append(pins.size())
        .append("</vcpu>\n    <cputune>\n");
    for (int v = 0; v < pins.size(); v++) {
      nodeXml.append("      <vcpupin vcpu='").append(v).append("' cpuset='").append(pins.get(v));
      nodeXml.append("'/>\n");
    }
    nodeXml.append("    </cputune>\n    <os><type>hvm</type></os>\n");
    if (!power.isEmpty()) {
      nodeXml.append("    <devices>\n");
      new TreeMap<>(power)
          .forEach(
              (n, socket) ->
                  nodeXml
                      .append("      <channel type='unix'><source mode='bind' path='")
                      .append(socket)
                      .append("'/><target type='virtio' name='virtio.serial.port.poweragent.")
                      .append(n)
                      .append("'/></channel>\n"));
      nodeXml.append("    </devices>\n");
    }
    nodeXml
        .append("    <test:runstate>")
        .append(running ? 1 : 5)
        .append("</test:runstate>\n  </domain>\n");
    return nodeXml.toString();
  }

  public Path dir() {
    return dir;
  }

  /** An acpi-cpufreq CPU tree with {@code n} CPUs at {@code khz}, governor {@code governor}. */
  public void acpiTree(int n, String governor, long[] table, long khz) throws IOException {
    Path cpu = Files.createDirectories(sys.resolve("devices/system/cpu"));
    Files.writeString(cpu.resolve("online"), "0-" + (n - 1) + "\n");
    Files.writeString(cpu.resolve("present"), "0-" + (n - 1) + "\n");
    StringBuilder freqs = new StringBuilder();
    for (long f : table) {
      freqs.append(f).append(' ');
    }
    for (int c = 0; c < n; c++) {
      Path f = Files.createDirectories(cpu.resolve("cpu" + c + "/cpufreq"));
      Files.writeString(f.resolve("scaling_driver"), "acpi-cpufreq\n");
      Files.writeString(
          f.resolve("scaling_available_frequencies"), freqs.toString().trim() + " \n");
      Files.writeString(
          f.resolve("scaling_available_governors"),
          "conservative ondemand userspace powersave performance schedutil\n");
      Files.writeString(f.resolve("scaling_governor"), governor + "\n");
      Files.writeString(
          f.resolve("scaling_setspeed"),
          "userspace".equals(governor) ? khz + "\n" : "<unsupported>\n");
      Files.writeString(f.resolve("scaling_cur_freq"), khz + "\n");
      Files.writeString(f.resolve("scaling_min_freq"), table[table.length - 1] + "\n");
      Files.writeString(f.resolve("scaling_max_freq"), table[0] + "\n");
      Files.writeString(f.resolve("cpuinfo_min_freq"), table[table.length - 1] + "\n");
      Files.writeString(f.resolve("cpuinfo_max_freq"), table[0] + "\n");
      Files.writeString(f.resolve("related_cpus"), c + "\n");
      Files.writeString(f.resolve("affected_cpus"), c + "\n");
    }
  }

  /** Binds and listens on {@code {channels}/{vm}.{n}} as QEMU does. */
  public void qemuListens(String vm, int n) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(channels.resolve(vm + "." + n)));
    listeners.put(vm + "." + n, s);
  }

  private Path writeNode() throws IOException {
    Path node = dir.resolve("node.xml");
    Files.writeString(
        node,
        "<node>\n  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>"
            + "<active>4</active><mhz>2000</mhz><model>x86_64</model></cpu>\n"
            + "  <memory>8388608</memory>\n"
            + nodeXml
            + "</node>\n");
    return node;
  }

  /**
   * Starts the host as {@code vm-power-mgr --daemon} does on these components: the configuration
   * {@code yaml} read by the launcher's loader, with the test node, the cpufreq tree, the channel
   * folder and a state file of this world over it (as the options would), and libvirt reached
   * through {@link #connector} so that the scenario can start, stop and define domains on the
   * daemon's own connection (the test driver's state is per connection).
   */
  public void startDaemon(String yaml) throws Exception {
    Path node = writeNode();
    treeBefore = snapshot(sys);
    Path config = Files.writeString(dir.resolve("vmpower.yaml"), yaml);
    ConfigSource source =
        new ConfigSource() {
          @Override
          public String name() {
            return config.toString();
          }

          @Override
          public VmPowerConfig load() throws ConfigException {
            VmPowerConfig c = ConfigLoader.load(config, true);
            return c.withLibvirtUri("test://" + node.toAbsolutePath())
                .withSysfsRoot(sys.toAbsolutePath())
                .withStateFile(stateFile().toAbsolutePath())
                .withChannels(c.channels().withFolder(channels.toAbsolutePath()));
          }
        };
    VmPowerConfig c = source.load();
    PrintWriter w = new PrintWriter(new PrintStream(new Sync(err), true, StandardCharsets.UTF_8));
    daemon =
        new HostApp(
            HostConfig.from(c, channels),
            StateFile.at(c.stateFile()),
            new RunningConfig(source, c),
            new LinuxHalModule(c.sysfsRoot(), c.libvirtUri(), connector),
            w,
            w);
    daemon.startService();
  }

  /** The daemon started by {@link #startDaemon}. */
  public HostApp daemon() {
    return daemon;
  }

  /** The libvirt connection the daemon uses (its latest). */
  public LibvirtConnect libvirt() {
    return connections.get(connections.size() - 1);
  }

  /** Starts the host program on these components, with commands typed on its standard input. */
  public void startHost() throws IOException {
    startHost(new String[0]);
  }

  /** As {@link #startHost()}, with more options. */
  public void startHost(String... more) throws IOException {
    Path node = writeNode();
    treeBefore = snapshot(sys);
    typing = new TypedInput();
    TypedInput in = typing;
    String[] base = {
      "--libvirt-uri", "test://" + node.toAbsolutePath(),
      "--sysfs-root", sys.toString(),
      "--channel-dir", channels.toString(),
      "--state-file", dir.resolve("state.properties").toString()
    };
    String[] args =
        java.util.stream.Stream.concat(Arrays.stream(base), Arrays.stream(more))
            .toArray(String[]::new);
    PrintStream o = new PrintStream(new Sync(out), true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(new Sync(err), true, StandardCharsets.UTF_8);
    exit = CompletableFuture.supplyAsync(() -> HostMain.run(args, in, o, e));
  }

  public void type(String line) throws IOException {
    typing.type((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public void endInput() throws IOException {
    typing.close();
  }

  /** QEMU goes away: its connection and listening socket close, and the socket file is removed. */
  public void qemuStops(String vm, int n) throws IOException {
    SocketChannel g = guests.remove(vm + "." + n);
    if (g != null) {
      g.close();
    }
    listeners.remove(vm + "." + n).close();
    Files.deleteIfExists(channels.resolve(vm + "." + n));
  }

  /** A folder other users may reach (0755), for a control socket they connect to. */
  public Path openFolder() throws IOException {
    Path p = Files.createDirectories(dir.resolve("run"));
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  public Path channels() {
    return channels;
  }

  /** Accepts the host's connection to the listener of {@code vm.n} (QEMU's side of the channel). */
  public SocketChannel acceptHost(String vm, int n) throws IOException {
    SocketChannel c = listeners.get(vm + "." + n).accept();
    guests.put(vm + "." + n, c);
    return c;
  }

  public SocketChannel guest(String vm, int n) {
    return guests.get(vm + "." + n);
  }

  public String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  public String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  public CompletableFuture<Integer> exit() {
    return exit;
  }

  public Map<Path, String> treeBefore() {
    return treeBefore;
  }

  /** Every file under {@code root} with its content. */
  public static Map<Path, String> snapshot(Path root) throws IOException {
    Map<Path, String> m = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          m.put(root.relativize(p), Files.readString(p));
        }
      }
    }
    return m;
  }

  @Override
  public void close() throws IOException {
    if (daemon != null) {
      daemon.shutdown();
    }
    if (typing != null) {
      typing.close();
    }
    if (exit != null) {
      exit.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> -1).join();
    }
    for (SocketChannel c : guests.values()) {
      c.close();
    }
    for (ServerSocketChannel s : listeners.values()) {
      s.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** An output stream other threads can read while the host writes. */
  private static final class Sync extends OutputStream {
    private final ByteArrayOutputStream target;

    Sync(ByteArrayOutputStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      synchronized (target) {
        target.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (target) {
        target.write(b, off, len);
      }
    }
  }
}
