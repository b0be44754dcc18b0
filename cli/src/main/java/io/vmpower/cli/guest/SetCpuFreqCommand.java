package io.vmpower.cli.guest;

import io.vmpower.core.power.ScaleOp;
import io.vmpower.guest.Environment;
import io.vmpower.guest.PowerLibrary;
import io.vmpower.guest.PowerResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code set_cpu_freq LCORE up|down|min|max|enable_turbo|disable_turbo}. */
@Command(
    name = "set_cpu_freq",
    description =
        "Asks the host to scale the vCPU of an lcore: up, down, min, max, enable_turbo or"
            + " disable_turbo.")
final class SetCpuFreqCommand implements Callable<Integer> {
  private final PowerLibrary library;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "LCORE",
      description = "the lcore, whose port carries the request",
      completionCandidates = LcoreCandidates.class)
  int lcore;

  @Parameters(
      index = "1",
      paramLabel = "OP",
      description = "up, down, min, max, enable_turbo or disable_turbo",
      completionCandidates = ScaleOpCandidates.class)
  ScaleOp op;

  SetCpuFreqCommand(PowerLibrary library) {
    this.library = library;
  }

  @Override
  public Integer call() {
    PowerResult r = library.scale(lcore, op);
    spec.commandLine()
        .getOut()
        .println(
            library.environment() == Environment.HOST
                ? r.reason()
                : GuestMessages.scaled(lcore, r));
    return r.isFailure() ? 1 : 0;
  }
}
