package io.vmpower.hal.sim;

import io.vmpower.core.cpu.CpuSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scenario's workloads: each vCPU's load (busy % at its pCPU's highest non-turbo frequency) as
 * a function of the simulated time, and the guest applications that run on the VMs. A pure function
 * of the scenario, the time and the seed, so a run is the same whenever it is repeated.
 *
 * <p>Every shape is a function of the time of day (the simulated clock starts at midnight UTC, so
 * the elapsed time modulo 24 h): {@code percent} a constant; {@code daily} a cosine from {@code
 * low} (12 hours from the peak) to {@code high} (at {@code peak}); {@code steps} piecewise
 * constant, the last step of the day holding until the first one (so it repeats each day); {@code
 * ramp} {@code from} until {@code start}, linear to {@code to} at {@code end}, then {@code to}. A
 * {@code trace} is a CSV file of {@code seconds,percent} rows (a header line is allowed) over the
 * elapsed time, piecewise constant, holding its last value. {@code noise} adds a uniform ± {@code
 * noise} % drawn per VM, vCPU and simulated minute from the seed. The result is clamped to 0-100 %.
 * A vCPU named by no workload keeps the scenario's {@code load}.
 */
public final class SimulatedWorkloads {
  static final long DAY = Duration.ofDays(1).toNanos();
  private static final Pattern CLOCK = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  /** One shape over some vCPUs of one VM. */
  private record Entry(String vm, int vmIndex, CpuSet vcpus, Shape shape, double noise) {}

  /** Percent at a time (ns since the start). */
  private interface Shape {
    double at(long elapsedNanos);
  }

  /** A guest application, checked. */
  public record GuestPlan(String vm, String app, Duration period, double up, double down) {}

  private final List<Entry> entries;
  private final List<GuestPlan> guests;
  private final List<GuestPlan> liveGuests;
  private final Scenario.TimeHours time;
  private final double speed;

  private SimulatedWorkloads(
      List<Entry> entries,
      List<GuestPlan> guests,
      List<GuestPlan> liveGuests,
      Scenario.TimeHours time,
      double speed) {
    this.entries = entries;
    this.guests = guests;
    this.liveGuests = liveGuests;
    this.time = time;
    this.speed = speed;
  }

  /** The workloads and guest applications of a scenario, checked (messages name {@code source}). */
  public static SimulatedWorkloads resolve(Scenario s, String source) {
    Map<String, Integer> vcpus = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    if (s.vms() != null) {
      for (Scenario.Vm vm : s.vms()) {
        if (vm != null && vm.name() != null && vm.vcpus() != null) {
          index.put(vm.name(), index.size());
          vcpus.put(vm.name(), vm.vcpus());
        }
      }
    }
    List<Entry> entries = new ArrayList<>();
    if (s.workloads() != null) {
      for (int i = 0; i < s.workloads().size(); i++) {
        entries.add(entry(source, "workloads[" + i + "]", s.workloads().get(i), vcpus, index));
      }
    }
    List<GuestPlan> guests = new ArrayList<>();
    if (s.guests() != null) {
      for (int i = 0; i < s.guests().size(); i++) {
        guests.add(guest(source, "guests[" + i + "]", s.guests().get(i), vcpus));
      }
    }
    double speed = 1;
    if (s.live() != null && s.live().speed() != null) {
      speed = s.live().speed();
      if (!(speed >= 1 && speed <= 3600)) {
        throw fail(source, "live.speed", s.live().speed() + " is out of range; use 1-3600");
      }
    }
    List<GuestPlan> live = new ArrayList<>();
    if (s.live() != null && s.live().guests() != null) {
      for (int i = 0; i < s.live().guests().size(); i++) {
        String vm = s.live().guests().get(i);
        GuestPlan g = guests.stream().filter(p -> p.vm().equals(vm)).findFirst().orElse(null);
        if (g == null) {
          throw fail(source, "live.guests[" + i + "]", "'" + vm + "' has no entry in guests");
        }
        live.add(g);
      }
    }
    if (s.time() != null && s.time().busy() == null && s.time().quiet() == null) {
      throw fail(source, "time", "give busy and/or quiet hours, e.g. busy: \"8-19\"");
    }
    return new SimulatedWorkloads(
        List.copyOf(entries), List.copyOf(guests), List.copyOf(live), s.time(), speed);
  }

  /** Whether any workload is defined. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The guest applications, in scenario order. */
  public List<GuestPlan> guests() {
    return guests;
  }

  /** The guest applications that run by themselves in the live demo. */
  public List<GuestPlan> liveGuests() {
    return liveGuests;
  }

  /** The hours of the {@code time} strategy, or null when the scenario gives none. */
  public Scenario.TimeHours time() {
    return time;
  }

  /** How much faster than real time the live demo runs (1: real time). */
  public double liveSpeed() {
    return speed;
  }

  /**
   * The load of {@code vcpu} of {@code vm} at {@code elapsedNanos} since the start, or NaN when no
   * workload names it.
   */
  public double percent(String vm, int vcpu, long elapsedNanos, long seed) {
    double out = Double.NaN;
    for (Entry e : entries) {
      if (e.vm.equals(vm) && (e.vcpus == null || e.vcpus.contains(vcpu))) {
        double p = e.shape.at(elapsedNanos);
        if (e.noise > 0) {
          long minute = Math.floorDiv(elapsedNanos, 60_000_000_000L);
          long key =
              (((long) e.vmIndex * 4099 + vcpu) * 1_000_003L) ^ (minute * 0x9E3779B97F4A7C15L);
          double u = new SplittableRandom(seed * 0xBF58476D1CE4E5B9L + key).nextDouble();
          p += e.noise * (2 * u - 1);
        }
        out = Math.max(0, Math.min(100, p));
      }
    }
    return out;
  }

  /** Sets every workload's vCPU load on {@code host} for its clock's time now. */
  public void apply(SimulatedHost host, long seed) {
    apply(host, seed, (vm, vcpu) -> false);
  }

  /** As {@link #apply(SimulatedHost, long)}, leaving the vCPUs {@code keep} accepts alone. */
  public void apply(
      SimulatedHost host, long seed, java.util.function.BiPredicate<String, Integer> keep) {
    long elapsed = host.clock().elapsed().toNanos();
    for (Entry e : entries) {
      int n = host.vcpuCount(e.vm);
      for (int v = 0; v < n; v++) {
        if ((e.vcpus == null || e.vcpus.contains(v)) && !keep.test(e.vm, v)) {
          double p = percent(e.vm, v, elapsed, seed);
          if (host.loadOf(e.vm, v) != p) {
            host.load(e.vm, v, p);
          }
        }
      }
    }
  }

  // ---- checking ----

  private static Entry entry(
      String src,
      String f,
      Scenario.Workload w,
      Map<String, Integer> vcpus,
      Map<String, Integer> ix) {
    if (w == null) {
      throw fail(src, f, "empty; give vm and one of percent, daily, steps, ramp, trace");
    }
    Integer n = w.vm() == null ? null : vcpus.get(w.vm());
    if (n == null) {
      throw fail(src, f + ".vm", "'" + w.vm() + "' is not a VM of the scenario");
    }
    CpuSet set = null;
    if (w.vcpus() != null) {
      try {
        set = CpuSet.parseList(w.vcpus());
      } catch (IllegalArgumentException e) {
        throw fail(src, f + ".vcpus", "'" + w.vcpus() + "' is not a list of vCPUs like \"0-1\"");
      }
      if (set.isEmpty() || set.last() >= n) {
        throw fail(src, f + ".vcpus", "'" + w.vcpus() + "': " + w.vm() + " has vCPUs 0-" + (n - 1));
      }
    }
    int given =
        (w.percent() != null ? 1 : 0)
            + (w.daily() != null ? 1 : 0)
            + (w.steps() != null ? 1 : 0)
            + (w.ramp() != null ? 1 : 0)
            + (w.trace() != null ? 1 : 0);
    if (given != 1) {
      throw fail(
          src, f, "give exactly one of percent, daily, steps, ramp, trace (got " + given + ")");
    }
    double noise = 0;
    if (w.noise() != null) {
      noise = w.noise();
      if (!(noise >= 0 && noise <= 100)) {
        throw fail(src, f + ".noise", w.noise() + " is not a percentage 0-100");
      }
    }
    Shape shape;
    if (w.percent() != null) {
      double p = pct(src, f + ".percent", w.percent());
      shape = t -> p;
    } else if (w.daily() != null) {
      double low = pct(src, f + ".daily.low", w.daily().low());
      double high = pct(src, f + ".daily.high", w.daily().high());
      long peak =
          timeOfDay(src, f + ".daily.peak", w.daily().peak() == null ? "14:00" : w.daily().peak());
      shape =
          t -> {
            double phase = 2 * Math.PI * (Math.floorMod(t, DAY) - peak) / DAY;
            return low + (high - low) * (1 + Math.cos(phase)) / 2;
          };
    } else if (w.steps() != null) {
      shape = steps(src, f + ".steps", w.steps());
    } else if (w.ramp() != null) {
      Scenario.Ramp r = w.ramp();
      double from = pct(src, f + ".ramp.from", r.from());
      double to = pct(src, f + ".ramp.to", r.to());
      long start = timeOfDay(src, f + ".ramp.start", r.start());
      long end = timeOfDay(src, f + ".ramp.end", r.end());
      if (end <= start) {
        throw fail(src, f + ".ramp.end", "must be after ramp.start");
      }
      shape =
          t -> {
            long d = Math.floorMod(t, DAY);
            if (d <= start) {
              return from;
            }
            if (d >= end) {
              return to;
            }
            return from + (to - from) * (double) (d - start) / (end - start);
          };
    } else {
      shape = trace(src, f + ".trace", w.trace());
    }
    return new Entry(w.vm(), ix.get(w.vm()), set, shape, noise);
  }

  private static Shape steps(String src, String f, List<Scenario.Step> steps) {
    if (steps.isEmpty()) {
      throw fail(src, f, "empty; give at least one {at, percent}");
    }
    long[] at = new long[steps.size()];
    double[] p = new double[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      Scenario.Step s = steps.get(i);
      if (s == null) {
        throw fail(src, f + "[" + i + "]", "empty; give at and percent");
      }
      at[i] = timeOfDay(src, f + "[" + i + "].at", s.at());
      p[i] = pct(src, f + "[" + i + "].percent", s.percent());
      if (i > 0 && at[i] <= at[i - 1]) {
        throw fail(src, f + "[" + i + "].at", "steps must be in time order");
      }
    }
    return t -> {
      long d = Math.floorMod(t, DAY);
      double v = p[p.length - 1];
      for (int i = 0; i < at.length && at[i] <= d; i++) {
        v = p[i];
      }
      return v;
    };
  }

  private static Shape trace(String src, String f, String file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw fail(src, f, "cannot read '" + file + "': " + e.getMessage());
    }
    List<long[]> rows = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()
          || line.startsWith("#")
          || (i == 0 && !Character.isDigit(line.charAt(0)))) {
        continue;
      }
      String[] parts = line.split(",");
      try {
        if (parts.length != 2) {
          throw new NumberFormatException("two columns expected");
        }
        double sec = Double.parseDouble(parts[0].strip());
        double pc = Double.parseDouble(parts[1].strip());
        if (!(sec >= 0) || !(pc >= 0 && pc <= 100)) {
          throw new NumberFormatException("seconds >= 0 and percent 0-100 expected");
        }
        long ns = (long) (sec * 1e9);
        if (!rows.isEmpty() && ns <= rows.get(rows.size() - 1)[0]) {
          throw new NumberFormatException("times must increase");
        }
        rows.add(new long[] {ns});
        values.add(pc);
      } catch (NumberFormatException e) {
        throw fail(src, f, file + " line " + (i + 1) + ": '" + line + "': " + e.getMessage());
      }
    }
    if (rows.isEmpty()) {
      throw fail(src, f, file + " has no seconds,percent rows");
    }
    long[] at = rows.stream().mapToLong(r -> r[0]).toArray();
    double[] p = values.stream().mapToDouble(Double::doubleValue).toArray();
    return t -> {
      double v = p[0];
      for (int i = 0; i < at.length && at[i] <= t; i++) {
        v = p[i];
      }
      return v;
    };
  }

  private static GuestPlan guest(
      String src, String f, Scenario.GuestApp g, Map<String, Integer> vcpus) {
    if (g == null || g.vm() == null || !vcpus.containsKey(g.vm())) {
      throw fail(
          src, f + ".vm", "'" + (g == null ? null : g.vm()) + "' is not a VM of the scenario");
    }
    String app = g.app() == null ? "l3fwd-power" : g.app();
    if (!app.equals("l3fwd-power")) {
      throw fail(src, f + ".app", "'" + app + "' is not known; use l3fwd-power");
    }
    Duration period =
        g.period() == null ? Duration.ofSeconds(1) : duration(src, f + ".period", g.period());
    if (period.isZero()) {
      throw fail(src, f + ".period", "must be above 0");
    }
    double up = g.up() == null ? 80 : pct(src, f + ".up", g.up());
    double down = g.down() == null ? 40 : pct(src, f + ".down", g.down());
    if (down >= up) {
      throw fail(src, f + ".down", down + " % must be below up (" + up + " %)");
    }
    return new GuestPlan(g.vm(), app, period, up, down);
  }

  private static double pct(String src, String f, Double p) {
    if (p == null || p.isNaN() || p < 0 || p > 100) {
      throw fail(src, f, "'" + p + "' is not a percentage 0-100");
    }
    return p;
  }

  /** "14:00", "14:30:15" or a duration ("14h", "90m"): ns since midnight, below 24 h. */
  static long timeOfDay(String src, String f, String text) {
    if (text == null) {
      throw fail(src, f, "required: a time of day like \"14:00\" or \"14h\"");
    }
    Matcher m = CLOCK.matcher(text.strip());
    long ns;
    if (m.matches()) {
      ns =
          Duration.ofHours(Integer.parseInt(m.group(1)))
              .plusMinutes(Integer.parseInt(m.group(2)))
              .plusSeconds(m.group(3) == null ? 0 : Integer.parseInt(m.group(3)))
              .toNanos();
    } else {
      ns = duration(src, f, text).toNanos();
    }
    if (ns >= DAY) {
      throw fail(src, f, "'" + text + "' is not a time of day (00:00 to 23:59:59)");
    }
    return ns;
  }

  /** "90s", "1h30m", "250ms", "1d". */
  public static Duration parseDuration(String text) {
    String t = text == null ? "" : text.strip();
    Matcher m = PART.matcher(t);
    int pos = 0;
    double nanos = 0;
    while (pos < t.length() && m.find(pos) && m.start() == pos) {
      double v = Double.parseDouble(m.group(1));
      nanos +=
          v
              * switch (m.group(2)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 86400e9;
              };
      pos = m.end();
    }
    if (t.isEmpty() || pos != t.length()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; use e.g. 24h, 90m, 30s, 250ms, 1h30m");
    }
    return Duration.ofNanos((long) nanos);
  }

  private static Duration duration(String src, String f, String text) {
    try {
      return parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw fail(src, f, e.getMessage());
    }
  }

  private static ScenarioException fail(String src, String field, String problem) {
    return new ScenarioException(src + ": " + field + ": " + problem);
  }
}
