package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.cpu.CpuSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A fake sysfs: a tree of plain files under a test's temporary folder, laid out like {@code /sys}
 * for each cpufreq driver, plus the seam ({@link #files()}) through which the backend under test
 * opens its files.
 *
 * <p>Failures: tests run as root, so permissions do not stop writes. Instead {@link #failWrites}
 * and {@link #failNextWrite} make the seam throw the very exceptions the JDK throws for EACCES,
 * EBUSY or EINVAL, before anything reaches the file (as the kernel refuses a store). Real file
 * system failures are available too: {@link #remove} (ENOENT) and {@link #replaceByDirectory}
 * (EISDIR).
 *
 * <p>The seam also records every write ({@link #writes()}: {@code cpu0/cpufreq/scaling_setspeed=
 * 2400000}, paths relative to {@code devices/system/cpu}) and mimics the one kernel side effect the
 * backends rely on: writing {@code scaling_governor} makes {@code scaling_setspeed} show the
 * current frequency under {@code userspace} and {@code <unsupported>} under any other governor. It
 * counts the backend's number reads per file ({@link #numberReads}).
 */
final class FakeSysfs {
  static final String ACPI_GOVERNORS = "conservative ondemand userspace powersave performance";
  static final String UNSUPPORTED = "<unsupported>";

  private final Path root;
  private final Path cpuRoot;
  private final List<String> writes = new ArrayList<>();
  private final Map<String, Integer> numberReads = new HashMap<>();
  private final Map<String, IOException> persistentFailures = new HashMap<>();
  private final Map<String, Deque<IOException>> nextFailures = new HashMap<>();

  FakeSysfs(Path root) {
    this.root = root;
    this.cpuRoot = root.resolve("devices/system/cpu");
    mkdirs(cpuRoot);
  }

  Path root() {
    return root;
  }

  /** {@code devices/system/cpu/REL}. */
  Path path(String rel) {
    return cpuRoot.resolve(rel);
  }

  /** The backend on this tree, opening its files through {@link #files()}. */
  SysfsCpuFrequencies open() {
    return new SysfsCpuFrequencies(root, files());
  }

  /**
   * Writes the {@code online} and {@code present} lists and a {@code cpuN} folder per present CPU.
   */
  FakeSysfs cpus(String online, String present) {
    file("online", online);
    file("present", present);
    for (int cpu : CpuSet.parseList(present).toArray()) {
      mkdirs(path("cpu" + cpu));
    }
    return this;
  }

  /**
   * An acpi-cpufreq CPU: {@code freqs} in the kernel's descending order, running at the lowest,
   * related only to itself.
   */
  FakeSysfs acpi(int cpu, String governor, long... freqs) {
    String dir = "cpu" + cpu + "/cpufreq/";
    long lowest = LongStream.of(freqs).min().orElseThrow();
    long highest = LongStream.of(freqs).max().orElseThrow();
    file(dir + "scaling_driver", "acpi-cpufreq");
    file(
        dir + "scaling_available_frequencies",
        LongStream.of(freqs).mapToObj(Long::toString).collect(Collectors.joining(" ")) + " ");
    file(dir + "scaling_available_governors", ACPI_GOVERNORS);
    common(cpu, governor, lowest, highest, lowest);
    file(
        dir + "scaling_setspeed",
        "userspace".equals(governor) ? Long.toString(lowest) : UNSUPPORTED);
    return this;
  }

  /** An intel_pstate CPU in active mode; {@code baseKhz <= 0} leaves out base_frequency. */
  FakeSysfs intel(int cpu, String governor, long minKhz, long maxKhz, long baseKhz) {
    String dir = "cpu" + cpu + "/cpufreq/";
    file(dir + "scaling_driver", "intel_pstate");
    file(dir + "scaling_available_governors", "performance powersave");
    common(cpu, governor, minKhz, maxKhz, minKhz);
    if (baseKhz > 0) {
      file(dir + "base_frequency", Long.toString(baseKhz));
    }
    return this;
  }

  /** {@code intel_pstate/no_turbo} and {@code intel_pstate/turbo_pct}. */
  FakeSysfs intelHost(int noTurbo, int turboPct) {
    file("intel_pstate/no_turbo", Integer.toString(noTurbo));
    file("intel_pstate/turbo_pct", Integer.toString(turboPct));
    file("intel_pstate/status", "active");
    return this;
  }

  /**
   * An amd-pstate / cppc_cpufreq CPU with its {@code acpi_cppc} folder; {@code nominalMhz <= 0}
   * leaves out nominal_freq.
   */
  FakeSysfs amd(
      int cpu,
      String driver,
      String governor,
      long minKhz,
      long maxKhz,
      long highestPerf,
      long nominalPerf,
      long nominalMhz) {
    String dir = "cpu" + cpu + "/cpufreq/";
    file(dir + "scaling_driver", driver);
    file(dir + "scaling_available_governors", ACPI_GOVERNORS + " schedutil");
    common(cpu, governor, minKhz, maxKhz, minKhz);
    file(
        dir + "scaling_setspeed",
        "userspace".equals(governor) ? Long.toString(minKhz) : UNSUPPORTED);
    file("cpu" + cpu + "/acpi_cppc/highest_perf", Long.toString(highestPerf));
    file("cpu" + cpu + "/acpi_cppc/nominal_perf", Long.toString(nominalPerf));
    file("cpu" + cpu + "/acpi_cppc/lowest_perf", "20");
    if (nominalMhz > 0) {
      file("cpu" + cpu + "/acpi_cppc/nominal_freq", Long.toString(nominalMhz));
    }
    return this;
  }

  private void common(int cpu, String governor, long min, long max, long cur) {
    String dir = "cpu" + cpu + "/cpufreq/";
    file(dir + "scaling_governor", governor);
    file(dir + "cpuinfo_min_freq", Long.toString(min));
    file(dir + "cpuinfo_max_freq", Long.toString(max));
    file(dir + "scaling_min_freq", Long.toString(min));
    file(dir + "scaling_max_freq", Long.toString(max));
    file(dir + "scaling_cur_freq", Long.toString(cur));
    file(dir + "related_cpus", Integer.toString(cpu));
    file(dir + "affected_cpus", Integer.toString(cpu));
  }

  /**
   * Moves {@code cpus[0]}'s cpufreq folder to {@code cpufreq/policyN} and links every listed CPU's
   * {@code cpufreq} to it, as the kernel does for CPUs that share one policy.
   */
  FakeSysfs sharePolicy(int policy, int... cpus) {
    Path target = path("cpufreq/policy" + policy);
    try {
      mkdirs(target.getParent());
      Files.move(path("cpu" + cpus[0] + "/cpufreq"), target);
      for (int cpu : cpus) {
        Path link = path("cpu" + cpu + "/cpufreq");
        if (Files.isDirectory(link, LinkOption.NOFOLLOW_LINKS)) {
          deleteTree(link);
        }
        Files.createSymbolicLink(link, Path.of("../cpufreq/policy" + policy));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String list = CpuSet.of(cpus).toListString();
    file("cpufreq/policy" + policy + "/related_cpus", list);
    file("cpufreq/policy" + policy + "/affected_cpus", list);
    return this;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Writes {@code content} and a newline to {@code devices/system/cpu/REL}, as the kernel shows it.
   */
  FakeSysfs file(String rel, String content) {
    Path p = path(rel);
    mkdirs(p.getParent());
    try {
      Files.writeString(p, content + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The content of {@code devices/system/cpu/REL} without the newline. */
  String read(String rel) {
    try {
      return Files.readString(path(rel), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a file: the backend then gets ENOENT. */
  FakeSysfs remove(String rel) {
    try {
      Files.delete(path(rel));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Replaces a file by an empty folder: the backend then gets EISDIR on open. */
  FakeSysfs replaceByDirectory(String rel) {
    remove(rel);
    mkdirs(path(rel));
    return this;
  }

  /** Every write to {@code REL} fails with {@code failure} until {@link #clearFailures()}. */
  synchronized FakeSysfs failWrites(String rel, IOException failure) {
    persistentFailures.put(rel, failure);
    return this;
  }

  /** The next write to {@code REL} fails with {@code failure}; later ones go through. */
  synchronized FakeSysfs failNextWrite(String rel, IOException failure) {
    nextFailures.computeIfAbsent(rel, k -> new ArrayDeque<>()).add(failure);
    return this;
  }

  synchronized void clearFailures() {
    persistentFailures.clear();
    nextFailures.clear();
  }

  /** The writes that reached the tree, in order, as {@code rel=value}. */
  synchronized List<String> writes() {
    return List.copyOf(writes);
  }

  synchronized void clearWrites() {
    writes.clear();
  }

  /** How many times the backend read a number from {@code REL} (its request-path reads). */
  synchronized int numberReads(String rel) {
    return numberReads.getOrDefault(rel, 0);
  }

  private synchronized void countRead(Path file) {
    numberReads.merge(cpuRoot.relativize(file).toString(), 1, Integer::sum);
  }

  /**
   * Every entry under the root, by path relative to it: file content, {@code <dir>} for folders,
   * {@code -> target} for links.
   */
  Map<String, String> snapshot() {
    Map<String, String> map = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String key = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          map.put(key, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          map.put(key, "<dir>");
        } else {
          map.put(key, Files.readString(p, StandardCharsets.US_ASCII));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return map;
  }

  /** The seam: real {@link SysfsChannelFile}s (truncating, as on any ordinary file system). */
  SysfsFileFactory files() {
    return path -> new FakeFile(new SysfsChannelFile(path, true));
  }

  private synchronized void beforeWrite(Path file, String value) throws IOException {
    String rel = cpuRoot.relativize(file).toString();
    Deque<IOException> once = nextFailures.get(rel);
    if (once != null && !once.isEmpty()) {
      throw once.poll();
    }
    IOException always = persistentFailures.get(rel);
    if (always != null) {
      throw always;
    }
  }

  private void afterWrite(Path file, String value) {
    synchronized (this) {
      writes.add(cpuRoot.relativize(file) + "=" + value);
    }
    if (!file.getFileName().toString().equals("scaling_governor")) {
      return;
    }
    Path setspeed = file.resolveSibling("scaling_setspeed");
    if (!Files.isRegularFile(setspeed)) {
      return;
    }
    String rel = cpuRoot.relativize(setspeed).toString();
    if (value.equals("userspace")) {
      file(rel, read(cpuRoot.relativize(file.resolveSibling("scaling_cur_freq")).toString()));
    } else {
      file(rel, UNSUPPORTED);
    }
  }

  private static void mkdirs(Path dir) {
    if (Files.isDirectory(dir)) {
      return; // also through a link, which createDirectories would refuse
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A real channel file behind the recording / failing / kernel-mimicking seam. */
  private final class FakeFile implements SysfsFile {
    private final SysfsChannelFile real;

    FakeFile(SysfsChannelFile real) {
      this.real = real;
    }

    @Override
    public Path path() {
      return real.path();
    }

    @Override
    public String read() throws IOException {
      return real.read();
    }

    @Override
    public long readNumber() throws IOException {
      countRead(real.path());
      return real.readNumber();
    }

    @Override
    public void write(long value) throws IOException {
      String text = Long.toString(value);
      beforeWrite(real.path(), text);
      real.write(value);
      afterWrite(real.path(), text);
    }

    @Override
    public void write(String value) throws IOException {
      beforeWrite(real.path(), value);
      real.write(value);
      afterWrite(real.path(), value);
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
