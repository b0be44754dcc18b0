package io.vmpower.cli;

import io.vmpower.core.drift.DriftCheck;
import io.vmpower.core.drift.DriftCheck.Drift;
import io.vmpower.core.drift.DriftCheck.Report;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code verify}, like {@code tuned-adm verify}: every setting vmpower manages compared with what
 * it last wrote; exit code 1 when any differs. Changes nothing (the drift timer re-applies or
 * adopts). A view: text, or JSON with {@code --json}.
 */
@Command(
    name = "verify",
    description =
        "Compare every CPU setting vmpower manages with what it last wrote and list the"
            + " differences (drift). Example: verify")
public final class VerifyCommand implements Callable<Integer> {
  private final DriftCheck drift;
  private final ViewOutput output;

  @Spec CommandLine.Model.CommandSpec spec;

  @Inject
  public VerifyCommand(DriftCheck drift, ViewOutput output) {
    this.drift = drift;
    this.output = output;
  }

  @Override
  public Integer call() {
    Report r = drift.verify();
    output.show(spec.commandLine().getOut(), "verify", r, VerifyCommand::lines);
    return r.drifted().isEmpty() ? 0 : 1;
  }

  /** The text {@code verify} prints. */
  static List<String> lines(Report r) {
    List<String> out = new ArrayList<>();
    if (r.checked() == 0) {
      out.add("Nothing to verify: vmpower has not changed any CPU setting yet");
      return out;
    }
    if (r.drifted().isEmpty()) {
      out.add("Verified: all " + r.checked() + " managed CPU setting(s) hold what vmpower wrote");
      return out;
    }
    out.add(String.format("%-5s %-24s %-14s %s", "CPU", "SETTING", "WRITTEN", "FOUND"));
    for (Drift d : r.drifted()) {
      out.add(
          String.format(
              "%-5s %-24s %-14s %s",
              d.cpu() < 0 ? "host" : Integer.toString(d.cpu()),
              d.setting(),
              d.written(),
              d.found()));
    }
    out.add(
        r.drifted().size()
            + " of "
            + r.checked()
            + " managed CPU setting(s) differ from what vmpower wrote");
    return out;
  }
}
