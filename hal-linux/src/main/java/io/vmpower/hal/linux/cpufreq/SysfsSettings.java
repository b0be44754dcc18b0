package io.vmpower.hal.linux.cpufreq;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting the backends may change, read as a whole for a state file and written back from one
 * by another process (after the host that changed them was killed). Keys are paths relative to the
 * sysfs root; only the files below are accepted, so a state file cannot make us write anywhere
 * else.
 */
final class SysfsSettings {
  static final String NO_TURBO = "devices/system/cpu/intel_pstate/no_turbo";
  private static final String[] PER_CPU = {
    "scaling_governor", "scaling_setspeed", "scaling_min_freq", "scaling_max_freq"
  };
  private static final Pattern KEY =
      Pattern.compile(
          "devices/system/cpu/cpu([0-9]{1,7})/cpufreq/"
              + "(scaling_governor|scaling_setspeed|scaling_min_freq|scaling_max_freq)");
  private static final Pattern VALUE =
      Pattern.compile("[0-9]{1,12}|[A-Za-z0-9_-]{1,32}|<unsupported>");

  private SysfsSettings() {}

  /** The current value of every setting of {@code cpus} (and no_turbo when present). */
  static Map<String, String> read(Path root, CpuSet cpus) throws FrequencyException {
    Map<String, String> out = new TreeMap<>();
    if (Files.exists(root.resolve(NO_TURBO))) {
      out.put(NO_TURBO, readText(root, NO_TURBO, -1));
    }
    for (int cpu = cpus.first(); cpu >= 0; cpu = cpus.next(cpu + 1)) {
      for (String name : PER_CPU) {
        String key = "devices/system/cpu/cpu" + cpu + "/cpufreq/" + name;
        if (Files.exists(root.resolve(key))) {
          out.put(key, readText(root, key, cpu));
        }
      }
    }
    return out;
  }

  /**
   * Writes {@code saved} back: no_turbo first; then per CPU the userspace speed (under the
   * userspace governor), the min/max pair in an order that keeps min at most max, and the governor
   * last. A file already holding its value is not written. Continues past failures.
   *
   * @throws FrequencyException listing every failure, or naming a key or value not accepted (then
   *     nothing is written)
   */
  static void restore(Path root, Map<String, String> saved) throws FrequencyException {
    Map<Integer, Map<String, String>> byCpu = new TreeMap<>();
    for (Map.Entry<String, String> e : saved.entrySet()) {
      if (!VALUE.matcher(e.getValue()).matches()) {
        throw new FrequencyException(
            -1, "state file: value '" + e.getValue() + "' of " + e.getKey() + " is not a setting");
      }
      if (e.getKey().equals(NO_TURBO)) {
        continue;
      }
      Matcher m = KEY.matcher(e.getKey());
      if (!m.matches()) {
        throw new FrequencyException(
            -1,
            "state file: '"
                + e.getKey()
                + "' is not a cpufreq setting (accepted: devices/system/cpu/cpuN/cpufreq/"
                + "scaling_{governor,setspeed,min_freq,max_freq} and "
                + NO_TURBO
                + ")");
      }
      byCpu
          .computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>())
          .put(m.group(2), e.getValue());
    }
    List<String> failures = new ArrayList<>();
    if (saved.containsKey(NO_TURBO)) {
      writeIfDifferent(root, NO_TURBO, saved.get(NO_TURBO), -1, failures);
    }
    for (Map.Entry<Integer, Map<String, String>> e : byCpu.entrySet()) {
      restoreCpu(root, e.getKey(), e.getValue(), failures);
    }
    if (!failures.isEmpty()) {
      throw new FrequencyException(
          -1,
          "could not restore " + failures.size() + " setting(s): " + String.join("; ", failures));
    }
  }

  private static void restoreCpu(Path root, int cpu, Map<String, String> s, List<String> failures) {
    String dir = "devices/system/cpu/cpu" + cpu + "/cpufreq/";
    String governor = s.get("scaling_governor");
    String speed = s.get("scaling_setspeed");
    if ("userspace".equals(governor) && speed != null && isNumber(speed)) {
      writeIfDifferent(root, dir + "scaling_governor", "userspace", cpu, failures);
      writeIfDifferent(root, dir + "scaling_setspeed", speed, cpu, failures);
    }
    String min = s.get("scaling_min_freq");
    String max = s.get("scaling_max_freq");
    if (min != null && max != null && isNumber(min) && isNumber(max)) {
      long currentMax = currentNumber(root, dir + "scaling_max_freq");
      if (Long.parseLong(min) > currentMax) {
        writeIfDifferent(root, dir + "scaling_max_freq", max, cpu, failures);
        writeIfDifferent(root, dir + "scaling_min_freq", min, cpu, failures);
      } else {
        writeIfDifferent(root, dir + "scaling_min_freq", min, cpu, failures);
        writeIfDifferent(root, dir + "scaling_max_freq", max, cpu, failures);
      }
    }
    if (governor != null) {
      writeIfDifferent(root, dir + "scaling_governor", governor, cpu, failures);
    }
  }

  private static long currentNumber(Path root, String key) {
    try {
      String t = Files.readString(root.resolve(key), StandardCharsets.US_ASCII).trim();
      return isNumber(t) ? Long.parseLong(t) : Long.MAX_VALUE;
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void writeIfDifferent(
      Path root, String key, String value, int cpu, List<String> failures) {
    Path file = root.resolve(key);
    try {
      String current = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (current.equals(value)) {
        return;
      }
      Files.writeString(file, value + "\n", StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      failures.add(SysfsErrors.prefix(cpu) + file + ": missing");
    } catch (IOException e) {
      failures.add(SysfsErrors.writeFailed(cpu, file, value, e).getMessage());
    }
  }

  private static String readText(Path root, String key, int cpu) throws FrequencyException {
    Path file = root.resolve(key);
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw SysfsErrors.readFailed(cpu, file, "for the state file", e);
    }
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
