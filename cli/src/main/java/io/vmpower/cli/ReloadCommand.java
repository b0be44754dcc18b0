package io.vmpower.cli;

import io.vmpower.core.host.CommandException;
import io.vmpower.core.service.HostService;
import io.vmpower.core.service.ReloadReport;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code reload}: reads the configuration file again and applies what changed, as SIGHUP does;
 * prints the report (what changed, what needs a restart, what was refused). Fails when the file is
 * refused (the host keeps running on the configuration it has) or when the host does not run from a
 * configuration file.
 */
@Command(
    name = "reload",
    description =
        "Read the configuration file again and apply what changed (as SIGHUP does). Example:"
            + " reload")
public final class ReloadCommand implements Callable<Integer> {
  private final HostService service;

  @Spec CommandSpec spec;

  @Inject
  public ReloadCommand(HostService service) {
    this.service = service;
  }

  @Override
  public Integer call() throws CommandException {
    ReloadReport report = service.reload();
    PrintWriter out = spec.commandLine().getOut();
    report.lines().forEach(out::println);
    out.flush();
    return report.applied() ? 0 : 1;
  }
}
