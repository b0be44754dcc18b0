package io.vmpower.hal.linux.cpufreq;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings changed so far, in the order of their first change, so restore can undo them: host
 * wide ones first, then the rest newest first. Newest first matters when two CPUs share one cpufreq
 * policy: {@code cpu1/cpufreq} and {@code cpu0/cpufreq} are then the same files, and the value
 * saved by the first CPU must be the last one written back.
 */
final class SysfsJournal {
  private final List<SysfsRestorable> changed = new ArrayList<>();

  synchronized void record(SysfsRestorable restorable) {
    changed.add(restorable);
  }

  synchronized boolean isEmpty() {
    return changed.isEmpty();
  }

  /** Restores everything recorded, continuing past failures; returns the failure messages. */
  List<String> restoreAll() {
    List<SysfsRestorable> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(changed);
    }
    List<SysfsRestorable> order = new ArrayList<>(snapshot.size());
    for (SysfsRestorable r : snapshot) {
      if (r.hostWide()) {
        order.add(r);
      }
    }
    for (int i = snapshot.size() - 1; i >= 0; i--) {
      if (!snapshot.get(i).hostWide()) {
        order.add(snapshot.get(i));
      }
    }
    List<String> failures = new ArrayList<>();
    for (SysfsRestorable r : order) {
      if (r.restore(failures)) {
        synchronized (this) {
          changed.remove(r);
        }
      }
    }
    return failures;
  }
}
