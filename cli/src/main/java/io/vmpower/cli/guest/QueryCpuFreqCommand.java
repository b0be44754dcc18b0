package io.vmpower.cli.guest;

import io.vmpower.guest.PowerLibrary;
import io.vmpower.guest.QueryResult;
import io.vmpower.guest.VcpuFrequency;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code query_cpu_freq LCORE|all}. */
@Command(
    name = "query_cpu_freq",
    description = "Asks the host for the current frequency of one vCPU, or of all.")
final class QueryCpuFreqCommand implements Callable<Integer> {
  private final PowerLibrary library;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "LCORE|all",
      description = "an lcore, or all (asked over the first lcore's port)",
      completionCandidates = LcoreOrAllCandidates.class)
  LcoreChoice target;

  QueryCpuFreqCommand(PowerLibrary library) {
    this.library = library;
  }

  @Override
  public Integer call() {
    QueryResult<VcpuFrequency> r =
        target.all() ? library.queryFrequencies() : library.queryFrequency(target.lcore());
    return GuestMessages.print(
        spec.commandLine().getOut(),
        target.all() ? library.lcores().first() : target.lcore(),
        r,
        GuestMessages::frequency);
  }
}
