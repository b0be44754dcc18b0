package io.vmpower.hal.linux.energy;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.EnergyZone;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's RAPL energy counters in sysfs, under a root that stands for {@code /sys}:
 *
 * <ul>
 *   <li><b>powercap</b> ({@code class/powercap/intel-rapl:N} and sub-zones {@code intel-rapl:N:M}):
 *       {@code name} ({@code package-N}, {@code package-N-die-M}, {@code core}, {@code uncore},
 *       {@code dram}, {@code psys}), {@code energy_uj} (cumulative µJ) and {@code
 *       max_energy_range_uj} (where it wraps). The kernel's intel_rapl driver offers these on Intel
 *       and, since Linux 5.11 (Family 17h/19h, 1Ah since 6.11), on AMD Zen too, with package and
 *       core domains. {@code intel-rapl-mmio} zones repeat the MSR package counters and are left
 *       out so nothing is counted twice.
 *   <li><b>hwmon amd_energy</b> ({@code class/hwmon/hwmonK} with {@code name} {@code amd_energy} or
 *       its fork {@code zenergy}): {@code energyN_input} labelled {@code EsocketS}, 64-bit
 *       accumulators in µJ that do not wrap; used only when powercap offers no package zone (its
 *       per-core counters are left out).
 * </ul>
 *
 * <p>A package zone covers the CPUs whose {@code topology/physical_package_id} is its package.
 * Since 2020 (CVE-2020-8694) {@code energy_uj} is readable by root only: a zone that cannot be read
 * at start is listed with the reason ({@code EACCES}), never fatal. Reads go through a kept-open
 * descriptor and allocate nothing but on failure.
 */
public final class SysfsEnergyCounters implements EnergyCounters {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsEnergyCounters.class);
  private static final Pattern RAPL = Pattern.compile("intel-rapl:([0-9]+)(?::([0-9]+))?");
  private static final Pattern PACKAGE = Pattern.compile("package-([0-9]+)(?:-die-[0-9]+)?");
  private static final Pattern SOCKET = Pattern.compile("Esocket([0-9]+)");

  private final Path root;
  private final List<EnergyZone> zones = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();
  private final FileChannel[] channels;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(32);
  private final String source;

  public SysfsEnergyCounters(Path sysfsRoot) {
    this.root = sysfsRoot;
    Map<Integer, CpuSet> packages = packages(sysfsRoot);
    powercap(packages);
    boolean havePackage = zones.stream().anyMatch(z -> z.kind() == EnergyZone.Kind.PACKAGE);
    String found = zones.isEmpty() ? "" : "powercap";
    if (!havePackage && hwmon(packages)) {
      found = "hwmon amd_energy";
    }
    this.source = found;
    this.channels = new FileChannel[zones.size()];
    LOG.info("{}", description());
  }

  @Override
  public String description() {
    return source.isEmpty()
        ? "none found under " + root + " (no class/powercap/intel-rapl:*, no hwmon amd_energy)"
        : source + " at " + root;
  }

  @Override
  public List<EnergyZone> zones() {
    return List.copyOf(zones);
  }

  @Override
  public synchronized long readMicrojoules(int zone) throws IOException {
    Path file = files.get(zone);
    try {
      if (channels[zone] == null) {
        channels[zone] = FileChannel.open(file, StandardOpenOption.READ);
      }
      buffer.clear();
      int n = channels[zone].read(buffer, 0);
      long value = n <= 0 ? -1 : parse(buffer, n);
      if (value < 0) {
        throw new IOException("cannot read " + file + ": it does not hold a count of µJ");
      }
      return value;
    } catch (IOException e) {
      close(zone);
      throw e.getMessage() != null && e.getMessage().startsWith("cannot read ")
          ? e
          : new IOException("cannot read " + file + ": " + reason(e), e);
    }
  }

  private void close(int zone) {
    FileChannel c = channels[zone];
    channels[zone] = null;
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // reopened on the next read
      }
    }
  }

  private static long parse(ByteBuffer b, int n) {
    long v = 0;
    int digits = 0;
    for (int i = 0; i < n; i++) {
      byte c = b.get(i);
      if (c >= '0' && c <= '9') {
        if (++digits > 19) {
          return -1;
        }
        v = v * 10 + (c - '0');
      } else if (c != '\n' && c != ' ') {
        return -1;
      }
    }
    return digits == 0 ? -1 : v;
  }

  private void powercap(Map<Integer, CpuSet> packages) {
    Path dir = root.resolve("class").resolve("powercap");
    List<Path> entries = list(dir);
    entries.sort(Comparator.comparing(p -> sortKey(p.getFileName().toString())));
    Map<String, Integer> packageOfZone = new TreeMap<>();
    for (Path zone : entries) {
      String id = zone.getFileName().toString();
      Matcher m = RAPL.matcher(id);
      if (!m.matches()) {
        if (id.startsWith("intel-rapl-mmio")) {
          LOG.debug("{} left out: it repeats the MSR package counter", id);
        }
        continue;
      }
      String name = text(zone.resolve("name"), "unknown");
      EnergyZone.Kind kind = kind(name);
      int pkg = -1;
      Matcher p = PACKAGE.matcher(name);
      if (p.matches()) {
        pkg = Integer.parseInt(p.group(1));
        packageOfZone.put(m.group(1), pkg);
      } else if (m.group(2) != null) {
        pkg = packageOfZone.getOrDefault(m.group(1), -1);
      }
      long range = number(zone.resolve("max_energy_range_uj"));
      Path energy = zone.resolve("energy_uj");
      add(
          new EnergyZone(
              id,
              name,
              kind,
              pkg,
              kind == EnergyZone.Kind.PACKAGE
                  ? packages.getOrDefault(pkg, CpuSet.empty())
                  : CpuSet.empty(),
              Math.max(range, 0),
              problem(energy)),
          energy);
    }
  }

  private boolean hwmon(Map<Integer, CpuSet> packages) {
    boolean any = false;
    for (Path mon : list(root.resolve("class").resolve("hwmon"))) {
      String driver = text(mon.resolve("name"), "");
      if (!driver.equals("amd_energy") && !driver.equals("zenergy")) {
        continue;
      }
      for (Path label : list(mon)) {
        String file = label.getFileName().toString();
        if (!file.matches("energy[0-9]+_label")) {
          continue;
        }
        Matcher s = SOCKET.matcher(text(label, ""));
        if (!s.matches()) {
          continue;
        }
        int pkg = Integer.parseInt(s.group(1));
        Path input = label.resolveSibling(file.replace("_label", "_input"));
        add(
            new EnergyZone(
                mon.getFileName() + "/" + input.getFileName(),
                "package-" + pkg,
                EnergyZone.Kind.PACKAGE,
                pkg,
                packages.getOrDefault(pkg, CpuSet.empty()),
                0,
                problem(input)),
            input);
        any = true;
      }
    }
    return any;
  }

  private void add(EnergyZone zone, Path file) {
    zones.add(zone);
    files.add(file);
  }

  /** Why {@code file} cannot be read now, or null. */
  private static String problem(Path file) {
    try {
      String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!t.chars().allMatch(c -> c >= '0' && c <= '9') || t.isEmpty()) {
        return file + " holds '" + t + "', not a count of µJ";
      }
      return null;
    } catch (IOException e) {
      return "cannot read " + file + ": " + reason(e);
    }
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "EACCES (readable by root only since CVE-2020-8694: run as root)";
    }
    if (e instanceof NoSuchFileException) {
      return "ENOENT (no such file)";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static EnergyZone.Kind kind(String name) {
    if (PACKAGE.matcher(name).matches()) {
      return EnergyZone.Kind.PACKAGE;
    }
    return switch (name) {
      case "core" -> EnergyZone.Kind.CORE;
      case "uncore" -> EnergyZone.Kind.UNCORE;
      case "dram" -> EnergyZone.Kind.DRAM;
      case "psys" -> EnergyZone.Kind.PLATFORM;
      default -> EnergyZone.Kind.OTHER;
    };
  }

  /** The CPUs of each package, from {@code topology/physical_package_id}. */
  private static Map<Integer, CpuSet> packages(Path root) {
    Map<Integer, BitSet> bits = new TreeMap<>();
    Path cpuRoot = root.resolve("devices").resolve("system").resolve("cpu");
    for (Path cpu : list(cpuRoot)) {
      String name = cpu.getFileName().toString();
      if (!name.matches("cpu[0-9]{1,7}")) {
        continue;
      }
      long pkg = number(cpu.resolve("topology").resolve("physical_package_id"));
      if (pkg >= 0) {
        bits.computeIfAbsent((int) pkg, k -> new BitSet()).set(Integer.parseInt(name.substring(3)));
      }
    }
    Map<Integer, CpuSet> out = new TreeMap<>();
    bits.forEach((k, v) -> out.put(k, CpuSet.fromBitSet(v)));
    return out;
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", dir, reason(e));
    }
    out.sort(Comparator.comparing(Path::toString));
    return out;
  }

  private static String text(Path file, String fallback) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return fallback;
    }
  }

  private static long number(Path file) {
    String t = text(file, "");
    return !t.isEmpty() && t.length() < 19 && t.chars().allMatch(c -> c >= '0' && c <= '9')
        ? Long.parseLong(t)
        : -1;
  }

  /** Zones in numeric order: intel-rapl:2 before intel-rapl:10, sub-zones after their zone. */
  private static String sortKey(String id) {
    Matcher m = RAPL.matcher(id);
    if (!m.matches()) {
      return "~" + id;
    }
    return String.format(
        "%08d:%08d",
        Integer.parseInt(m.group(1)), m.group(2) == null ? -1 : Integer.parseInt(m.group(2)) + 1);
  }

  @Override
  public String toString() {
    return description();
  }
}
