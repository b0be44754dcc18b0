package io.vmpower.core.drift;

import io.vmpower.core.config.DriftSettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.FrequencyException;
import io.vmpower.core.hal.ManagedSetting;
import io.vmpower.core.power.PowerManager;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift detection, like {@code tuned-adm verify}: compares every setting the CPU backend manages
 * with what it last wrote ({@link #verify()}, the {@code verify} command), and on the timer ({@link
 * #check()}) logs each difference, counts it per CPU and setting, and re-applies or adopts it as
 * {@link DriftSettings} say. Each CPU is read under its power-manager lock, so a check never sees
 * half of a change.
 */
@Singleton
public final class DriftCheck {
  private static final Logger log = LoggerFactory.getLogger(DriftCheck.class);

  /** A setting that differs from what vmpower last wrote, and what the check did about it. */
  public record Drift(int cpu, String setting, String written, String found, String action) {}

  /** What {@code verify} reports: the settings that differ, and how many were compared. */
  public record Report(int checked, List<Drift> drifted) {
    public Report {
      drifted = List.copyOf(drifted);
    }
  }

  private final PowerManager power;
  private final DriftSettings settings;
  private final Map<String, AtomicLong> counts = new ConcurrentSkipListMap<>();
  private final AtomicLong checks = new AtomicLong();

  @Inject
  public DriftCheck(PowerManager power, DriftSettings settings) {
    this.power = power;
    this.settings = settings;
  }

  public DriftSettings settings() {
    return settings;
  }

  /** Compares every managed setting with what was last written; changes nothing. */
  public Report verify() {
    List<Drift> out = new ArrayList<>();
    int checked = 0;
    for (ManagedSetting s : read()) {
      checked++;
      if (s.drifted()) {
        out.add(new Drift(s.cpu(), s.setting(), s.written(), s.found(), "none"));
      }
    }
    return new Report(checked, out);
  }

  /**
   * The timer's check: every difference is logged, counted and re-applied or adopted (an unreadable
   * setting is only reported). Returns what was found and done.
   */
  public Report check() {
    checks.incrementAndGet();
    CpuFrequencies f = power.frequencies();
    List<Drift> out = new ArrayList<>();
    int checked = 0;
    for (ManagedSetting s : read()) {
      checked++;
      if (!s.drifted()) {
        continue;
      }
      counts.computeIfAbsent(key(s.cpu(), s.setting()), k -> new AtomicLong()).incrementAndGet();
      String action = act(f, s);
      out.add(new Drift(s.cpu(), s.setting(), s.written(), s.found(), action));
      log.warn(
          "drift: {} {} holds {} but vmpower last wrote {}: {}",
          s.cpu() < 0 ? "host" : "CPU " + s.cpu(),
          s.setting(),
          s.found(),
          s.written(),
          action);
    }
    return new Report(checked, out);
  }

  private String act(CpuFrequencies f, ManagedSetting s) {
    if (s.unreadable()) {
      return "reported (cannot read it)";
    }
    if (settings.action() == DriftSettings.Action.ADOPT) {
      locked(
          s.cpu(),
          () -> {
            f.adopt(s);
            if (s.cpu() >= 0) {
              power.adoptCurrent(s.cpu());
            }
          });
      return "adopted";
    }
    String[] failure = new String[1];
    locked(
        s.cpu(),
        () -> {
          try {
            f.reapply(s);
          } catch (FrequencyException e) {
            failure[0] = e.getMessage();
          }
        });
    return failure[0] == null ? "re-applied" : "re-apply failed: " + failure[0];
  }

  /** Times the timer's check ran. */
  public long checks() {
    return checks.get();
  }

  /** Drift found by the timer so far, by {@code cpu} ("host" for host-wide) and setting. */
  public Map<String, Long> counts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The key of {@link #counts()}: {@code CPU/SETTING}, CPU being a number or {@code host}. */
  public static String key(int cpu, String setting) {
    return (cpu < 0 ? "host" : Integer.toString(cpu)) + "/" + setting;
  }

  private List<ManagedSetting> read() {
    CpuFrequencies f = power.frequencies();
    List<ManagedSetting> all = new ArrayList<>();
    CpuSet cpus = f.cpus();
    for (int cpu = cpus.first(); cpu >= 0; cpu = cpus.next(cpu + 1)) {
      int c = cpu;
      locked(c, () -> all.addAll(f.managedSettings(c)));
    }
    all.addAll(f.managedSettings(-1));
    return all;
  }

  private void locked(int cpu, Runnable r) {
    if (cpu < 0) {
      r.run();
    } else {
      power.locked(cpu, r);
    }
  }
}
