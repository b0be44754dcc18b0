package io.vmpower.core.policy;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.vm.Vm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A policy from its kind and {@code key=value} parameters, as {@code set_policy} takes them and the
 * configuration file will: the same words {@code show_policies} prints. Strict: every key must be
 * one of its kind's, every value complete and in range, or the message says what was wrong and what
 * is accepted.
 *
 * <pre>
 * busy         [target=80] [band=5] [period=100ms] [cooldown=300ms]
 * workload     level=high|medium|low
 * time         [busy=HOURS] [quiet=HOURS] [traffic=HOURS + the traffic keys]   (HOURS: 17-23,2)
 * traffic      macs=MAC[,MAC...] max=PPS [avg=PPS] [min=PPS] [period=1s]
 * branch_ratio [threshold=0.1]
 * every kind   [vcpus=LIST] [guests=allow|deny]
 * </pre>
 *
 * Defaults come from {@link PolicySettings}; durations are a number with {@code ms}, {@code s},
 * {@code m} or {@code h}; {@code avg} defaults to {@code max} and {@code min} to 0.
 */
public final class PolicyParameters {
  private PolicyParameters() {}

  /** The kinds, as typed. */
  public static final List<String> KINDS =
      List.of("busy", "workload", "time", "traffic", "branch_ratio");

  private static final List<String> COMMON = List.of("vcpus", "guests");
  private static final List<String> TRAFFIC_KEYS = List.of("macs", "min", "avg", "max", "period");

  /** The keys {@code kind} accepts, or an empty list for an unknown kind. */
  public static List<String> keys(String kind) {
    List<String> own =
        switch (kind) {
          case "busy" -> List.of("target", "band", "period", "cooldown");
          case "workload" -> List.of("level");
          case "time" -> concat(List.of("busy", "quiet", "traffic"), TRAFFIC_KEYS);
          case "traffic" -> TRAFFIC_KEYS;
          case "branch_ratio" -> List.of("threshold");
          default -> List.of();
        };
    return own.isEmpty() ? own : concat(own, COMMON);
  }

  /** Splits {@code key=value} words into a map, refusing malformed or repeated ones. */
  public static Map<String, String> words(List<String> words) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq <= 0 || eq == w.length() - 1) {
        throw new IllegalArgumentException(
            "'" + w + "' is not a parameter: write key=value, e.g. target=80");
      }
      String key = w.substring(0, eq);
      if (out.put(key, w.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("parameter '" + key + "' is given twice");
      }
    }
    return out;
  }

  /**
   * The policy {@code kind} with {@code params} for {@code vm} (vCPUs and MACs checked against it).
   *
   * @throws IllegalArgumentException naming what was wrong and what is accepted
   */
  public static VmPolicy parse(
      Vm vm,
      String kind,
      Map<String, String> params,
      PolicySource source,
      PolicySettings defaults) {
    String k = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
    List<String> allowed = keys(k);
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown policy '" + kind + "': use " + String.join(", ", KINDS));
    }
    for (String key : params.keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            "unknown parameter '"
                + key
                + "' for a "
                + k
                + " policy: use "
                + String.join(", ", allowed));
      }
    }
    Policy policy =
        switch (k) {
          case "busy" -> busy(params, defaults);
          case "workload" -> workload(params);
          case "time" -> time(vm, params, defaults);
          case "traffic" -> traffic(vm, params, defaults, true);
          case "branch_ratio" -> new Policy.BranchRatio(number(params, "threshold", 0.1, 0.0, 1.0));
          default -> throw new IllegalStateException(k);
        };
    List<Integer> vcpus = vcpus(vm, params.get("vcpus"));
    boolean guests =
        switch (params.getOrDefault("guests", "allow")) {
          case "allow" -> true;
          case "deny" -> false;
          default ->
              throw new IllegalArgumentException(
                  "guests='" + params.get("guests") + "': use allow or deny");
        };
    return new VmPolicy(policy, vcpus, source, guests);
  }

  private static Policy.Busy busy(Map<String, String> p, PolicySettings d) {
    int target = (int) integer(p, "target", d.busyTargetPercent(), 1, 100);
    int band = (int) integer(p, "band", d.busyBandPercent(), 0, 50);
    Duration period = duration(p, "period", d.busyPeriod(), false);
    Duration cooldown = duration(p, "cooldown", d.busyCooldown(), true);
    try {
      return new Policy.Busy(target, band, period, cooldown);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static Policy.Workload workload(Map<String, String> p) {
    String level = p.get("level");
    if (level == null) {
      throw new IllegalArgumentException("a workload policy needs level=high, medium or low");
    }
    return new Policy.Workload(
        switch (level) {
          case "high" -> FrequencyLevel.MAX;
          case "medium" -> FrequencyLevel.MEDIUM;
          case "low" -> FrequencyLevel.MIN;
          default ->
              throw new IllegalArgumentException("level='" + level + "': use high, medium or low");
        });
  }

  private static Policy.Time time(Vm vm, Map<String, String> p, PolicySettings d) {
    List<Integer> busy = hours(p, "busy");
    List<Integer> quiet = hours(p, "quiet");
    List<Integer> traffic = hours(p, "traffic");
    Policy.Traffic profile = null;
    if (!traffic.isEmpty()) {
      profile = traffic(vm, p, d, false);
    } else {
      for (String key : TRAFFIC_KEYS) {
        if (p.containsKey(key)) {
          throw new IllegalArgumentException(
              "'" + key + "' is for traffic hours: give traffic=HOURS too, or leave it out");
        }
      }
    }
    return new Policy.Time(busy, quiet, traffic, profile);
  }

  private static Policy.Traffic traffic(
      Vm vm, Map<String, String> p, PolicySettings d, boolean alone) {
    String macsText = p.get("macs");
    if (macsText == null) {
      throw new IllegalArgumentException(
          (alone ? "a traffic policy needs" : "traffic hours need")
              + " macs=MAC[,MAC...] (the VM's interfaces to count)");
    }
    List<MacAddress> macs = new ArrayList<>();
    for (String m : macsText.split(",", -1)) {
      MacAddress mac = MacAddress.parse(m);
      if (!mac.isUnicast()) {
        throw new IllegalArgumentException(mac + " is not a NIC's address");
      }
      if (vm != null && vm.interfaceOf(mac) == null) {
        throw new IllegalArgumentException(
            "VM '"
                + vm.name()
                + "' has no interface with MAC "
                + mac
                + (vm.interfaces().isEmpty()
                    ? " (it has no interface)"
                    : " (it has: " + macList(vm) + ")"));
      }
      if (!macs.contains(mac)) {
        macs.add(mac);
      }
    }
    if (!p.containsKey("max")) {
      throw new IllegalArgumentException(
          (alone ? "a traffic policy needs" : "traffic hours need")
              + " max=PPS (packets per second at and above which the pCPUs run at max)");
    }
    long max = integer(p, "max", 0, 1, 0xFFFF_FFFFL);
    long avg = integer(p, "avg", max, 0, 0xFFFF_FFFFL);
    long min = integer(p, "min", 0, 0, 0xFFFF_FFFFL);
    if (!(min <= avg && avg <= max)) {
      throw new IllegalArgumentException(
          "traffic thresholds must be min <= avg <= max; got " + min + ", " + avg + ", " + max);
    }
    return new Policy.Traffic(macs, min, avg, max, duration(p, "period", d.trafficPeriod(), false));
  }

  private static String macList(Vm vm) {
    List<String> out = new ArrayList<>();
    vm.interfaces().forEach(i -> out.add(i.mac().toString()));
    return String.join(", ", out);
  }

  private static List<Integer> hours(Map<String, String> p, String key) {
    String text = p.get(key);
    if (text == null) {
      return List.of();
    }
    CpuSet set;
    try {
      set = CpuSet.parseList(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + "='" + text + "' is not a list of hours: use 0-23 like 17-23,2");
    }
    if (set.isEmpty() || set.last() > 23) {
      throw new IllegalArgumentException(
          key + "='" + text + "' is not a list of hours: use 0-23 like 17-23,2");
    }
    List<Integer> out = new ArrayList<>();
    set.forEach(out::add);
    return out;
  }

  private static List<Integer> vcpus(Vm vm, String text) {
    if (text == null || text.equals("all")) {
      return List.of();
    }
    CpuSet set;
    try {
      set = CpuSet.parseList(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "vcpus='" + text + "' is not a list of vCPUs: use all, or a list like 0-3,5");
    }
    if (set.isEmpty()) {
      throw new IllegalArgumentException("vcpus='' names no vCPU: use all, or a list like 0-3");
    }
    if (vm != null && set.last() >= vm.vcpuCount()) {
      throw new IllegalArgumentException(
          "vCPU "
              + set.last()
              + " does not exist (VM '"
              + vm.name()
              + "' has "
              + vm.vcpuCount()
              + " vCPUs: 0-"
              + (vm.vcpuCount() - 1)
              + ")");
    }
    Set<Integer> out = new TreeSet<>();
    set.forEach(out::add);
    return List.copyOf(out);
  }

  private static long integer(Map<String, String> p, String key, long dflt, long min, long max) {
    String t = p.get(key);
    if (t == null) {
      return dflt;
    }
    if (t.isEmpty() || t.length() > 12 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          key + "='" + t + "' is not a whole number: use " + min + "-" + max);
    }
    long v = Long.parseLong(t);
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          key + "=" + v + " is out of range: use " + min + "-" + max);
    }
    return v;
  }

  private static double number(
      Map<String, String> p, String key, double dflt, double min, double max) {
    String t = p.get(key);
    if (t == null) {
      return dflt;
    }
    if (!t.matches("[0-9]{1,6}(\\.[0-9]{1,9})?")) {
      throw new IllegalArgumentException(key + "='" + t + "' is not a number like 0.1");
    }
    double v = Double.parseDouble(t);
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          key + "=" + t + " is out of range: use " + min + "-" + max);
    }
    return v;
  }

  /** {@code 100ms}, {@code 2s}, {@code 5m}, {@code 1h}: within 10 ms (0 when allowed) and 1 h. */
  static Duration duration(Map<String, String> p, String key, Duration dflt, boolean zeroOk) {
    String t = p.get(key);
    if (t == null) {
      return dflt;
    }
    Duration d = parseDuration(t);
    if (d == null) {
      throw new IllegalArgumentException(
          key + "='" + t + "' is not a duration: use a number with ms, s, m or h, like 100ms");
    }
    if (zeroOk && d.isZero()) {
      return d;
    }
    try {
      PolicySettings.checkPeriod(key, d);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + (zeroOk ? " (or 0ms)" : ""), e);
    }
    return d;
  }

  /** The duration of {@code 100ms}, {@code 2s}, {@code 5m}, {@code 1h}, or null. */
  public static Duration parseDuration(String t) {
    var m = java.util.regex.Pattern.compile("([0-9]{1,7})(ms|s|m|h)").matcher(t);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
