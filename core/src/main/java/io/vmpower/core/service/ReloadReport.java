package io.vmpower.core.service;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reload did, for the operator and the log.
 *
 * @param source the file read
 * @param error why the file was refused (nothing was changed then), or null
 * @param changed what changed, each in a sentence
 * @param needsRestart keys that cannot change while the host runs, left as they were
 * @param refused what the new configuration names that could not be taken (e.g. a channel outside
 *     the allowed folders)
 */
public record ReloadReport(
    String source,
    String error,
    List<String> changed,
    List<String> needsRestart,
    List<String> refused) {

  public ReloadReport {
    changed = List.copyOf(changed);
    needsRestart = List.copyOf(needsRestart);
    refused = List.copyOf(refused);
  }

  static ReloadReport failed(String source, String error) {
    return new ReloadReport(source, error, List.of(), List.of(), List.of());
  }

  /** Whether the new configuration was taken (perhaps with keys left for a restart). */
  public boolean applied() {
    return error == null;
  }

  /** The report as lines: a first line that says it all, then one line per item. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    if (!applied()) {
      out.add("Configuration not reloaded: " + error);
      out.add("  still running on the configuration read before from " + source);
      return out;
    }
    out.add(
        "Reloaded "
            + source
            + ": "
            + (changed.isEmpty() ? "nothing changed" : changed.size() + " change(s)")
            + (needsRestart.isEmpty() ? "" : ", " + needsRestart.size() + " need a restart")
            + (refused.isEmpty() ? "" : ", " + refused.size() + " refused"));
    changed.forEach(c -> out.add("  changed: " + c));
    needsRestart.forEach(c -> out.add("  needs a restart (left as it is): " + c));
    refused.forEach(c -> out.add("  refused: " + c));
    return out;
  }
}
