package io.vmpower.cli;

import io.vmpower.core.energy.EnergyMeter;
import io.vmpower.core.energy.EnergyReport;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code show_energy}: the host's energy counters, totals since start, and unreadable ones. */
@Command(
    name = "show_energy",
    description =
        "Energy counted by the host's RAPL zones since vmpower started, in joules, and any zone"
            + " that cannot be read. Example: show_energy")
public final class ShowEnergyCommand implements Callable<Integer> {
  private final EnergyMeter meter;

  @Spec CommandLine.Model.CommandSpec spec;

  @Inject
  public ShowEnergyCommand(EnergyMeter meter) {
    this.meter = meter;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    lines(meter.report()).forEach(out::println);
    out.flush();
    return 0;
  }

  /** The text {@code show_energy} prints. */
  static List<String> lines(EnergyReport r) {
    List<String> out = new ArrayList<>();
    out.add("Energy counters: " + r.source());
    if (r.zones().isEmpty()) {
      out.add("No energy counters: per-VM energy cannot be measured on this host");
      return out;
    }
    out.add(String.format("%-18s %-16s %-9s %16s", "ZONE", "NAME", "KIND", "JOULES"));
    for (EnergyReport.Zone z : r.zones()) {
      out.add(
          String.format(
              Locale.ROOT,
              "%-18s %-16s %-9s %16.3f%s",
              z.id(),
              z.name(),
              z.kind(),
              z.joules(),
              z.problem() == null ? "" : "  (unreadable: " + z.problem() + ")"));
    }
    return out;
  }
}
