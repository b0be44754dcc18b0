package io.vmpower.cli.guest;

import io.vmpower.guest.PowerResult;
import io.vmpower.guest.QueryResult;
import io.vmpower.guest.VcpuCapabilities;
import io.vmpower.guest.VcpuFrequency;

/** The lines the guest CLI prints, worded as DPDK's guest CLI words them. */
final class GuestMessages {
  private GuestMessages() {}

  /** The answer to a scale request sent to the host. */
  static String scaled(int lcore, PowerResult r) {
    return switch (r.status()) {
      case ACK -> "ACK received for message sent to host.";
      case NACK -> "NACK received for message sent to host.";
      case NO_REPLY -> noReply(lcore, r.reason());
      case FAILED -> "Request for lcore " + lcore + " failed: " + r.reason() + ".";
      case CHANGED, UNCHANGED -> r.reason();
    };
  }

  static String noReply(int lcore, String reason) {
    return "No reply from host for lcore " + lcore + " (" + reason + ").";
  }

  /** Why a query sent over {@code lcore}'s port has no answer. */
  /**
   * Prints a query's answer, one line per entry, or why there is none (asked over {@code lcore});
   * returns the command's exit code.
   */
  static <T> int print(
      java.io.PrintWriter out,
      int lcore,
      QueryResult<T> r,
      java.util.function.Function<T, String> line) {
    if (!r.answered()) {
      out.println(unanswered(lcore, r));
      return 1;
    }
    r.entries().forEach(e -> out.println(line.apply(e)));
    return 0;
  }

  static String unanswered(int lcore, QueryResult<?> r) {
    return r.status() == QueryResult.Status.NO_REPLY
        ? noReply(lcore, r.reason())
        : "Query for lcore " + lcore + " failed: " + r.reason() + ".";
  }

  static String frequency(VcpuFrequency f) {
    return "Frequency of [" + f.vcpu() + "] vcore is " + f.khz() + ".";
  }

  static String capabilities(VcpuCapabilities c) {
    return "Capabilities of ["
        + c.vcpu()
        + "] vcore are: turbo possibility: "
        + (c.turbo() ? 1 : 0)
        + ", is priority core: "
        + (c.priorityCore() ? 1 : 0)
        + ".";
  }
}
