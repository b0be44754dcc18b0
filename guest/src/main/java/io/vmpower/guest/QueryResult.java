package io.vmpower.guest;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a frequency or capability query: the entries, or why there are none.
 *
 * @param <T> {@link VcpuFrequency} or {@link VcpuCapabilities}
 */
public record QueryResult<T>(Status status, List<T> entries, String reason) {
  /** The kinds of answer. */
  public enum Status {
    ANSWERED,
    /** No reply came (timeout; or queries are not enabled for this VM on the host). */
    NO_REPLY,
    /** The query could not be made or the reply made no sense. */
    FAILED
  }

  public QueryResult {
    Objects.requireNonNull(status);
    entries = List.copyOf(entries);
    Objects.requireNonNull(reason);
  }

  public static <T> QueryResult<T> answered(List<T> entries) {
    return new QueryResult<>(Status.ANSWERED, entries, "");
  }

  public static <T> QueryResult<T> noReply(String reason) {
    return new QueryResult<>(Status.NO_REPLY, List.of(), reason);
  }

  public static <T> QueryResult<T> failed(String reason) {
    return new QueryResult<>(Status.FAILED, List.of(), reason);
  }

  public boolean answered() {
    return status == Status.ANSWERED;
  }

  @Override
  public String toString() {
    return answered() ? "ANSWERED " + entries : status + " (" + reason + ")";
  }
}
