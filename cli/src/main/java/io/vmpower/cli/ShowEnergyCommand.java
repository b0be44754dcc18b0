package io.vmpower.cli;

import io.vmpower.core.energy.EnergyReport;
import io.vmpower.core.energy.EnergySampler;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code show_energy}: the host's energy counters, totals since start, and unreadable ones; the
 * joules attributed to each VM and to none (docs/energy.md). A view: text, or JSON with {@code
 * --json}.
 */
@Command(
    name = "show_energy",
    description =
        "Energy counted by the host's RAPL zones since vmpower started, in joules, any zone that"
            + " cannot be read, and the joules attributed to each VM by its frequency-weighted"
            + " busy time. Example: show_energy")
public final class ShowEnergyCommand implements Callable<Integer> {
  private final EnergySampler sampler;
  private final ViewOutput output;

  @Spec CommandLine.Model.CommandSpec spec;

  @Inject
  public ShowEnergyCommand(EnergySampler sampler, ViewOutput output) {
    this.sampler = sampler;
    this.output = output;
  }

  @Override
  public Integer call() {
    output.show(spec.commandLine().getOut(), "energy", sampler.report(), ShowEnergyCommand::lines);
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
    EnergyReport.Attribution a = r.attribution();
    out.add(String.format("%-45s %16s", "VM", "JOULES"));
    for (EnergyReport.VmEnergy v : r.vms()) {
      out.add(String.format(Locale.ROOT, "%-45s %16.3f", v.vm(), v.joules()));
    }
    for (EnergyReport.PackageEnergy p : r.unattributed()) {
      out.add(
          String.format(
              Locale.ROOT,
              "%-45s %16.3f",
              "(unattributed, package " + p.packageId() + ")",
              p.joules()));
    }
    if (r.vms().isEmpty() && r.unattributed().isEmpty()) {
      out.add("(nothing attributed yet)");
    }
    if (a.problem() != null) {
      out.add(
          "Attribution failing: "
              + a.problem()
              + " ("
              + a.failures()
              + " of "
              + (a.samples() + a.failures())
              + " samples failed; their energy waits for the next sample that can read the VMs)");
    }
    return out;
  }
}
