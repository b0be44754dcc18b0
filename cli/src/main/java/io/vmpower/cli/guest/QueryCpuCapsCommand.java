package io.vmpower.cli.guest;

import io.vmpower.guest.PowerLibrary;
import io.vmpower.guest.QueryResult;
import io.vmpower.guest.VcpuCapabilities;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code query_cpu_caps LCORE|all}. */
@Command(
    name = "query_cpu_caps",
    description =
        "Asks the host whether the CPUs behind one vCPU, or all, have turbo and are priority"
            + " cores.")
final class QueryCpuCapsCommand implements Callable<Integer> {
  private final PowerLibrary library;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "LCORE|all",
      description = "an lcore, or all (asked over the first lcore's port)",
      completionCandidates = LcoreOrAllCandidates.class)
  LcoreChoice target;

  QueryCpuCapsCommand(PowerLibrary library) {
    this.library = library;
  }

  @Override
  public Integer call() {
    QueryResult<VcpuCapabilities> r =
        target.all() ? library.queryCapsAll() : library.queryCaps(target.lcore());
    return GuestMessages.print(
        spec.commandLine().getOut(),
        target.all() ? library.lcores().first() : target.lcore(),
        r,
        GuestMessages::capabilities);
  }
}
