package io.vmpower.guest;

import io.vmpower.core.power.CpuScaleResult;
import java.util.Objects;

/**
 * What a frequency request did. In a VM: the host's {@link Status#ACK} or {@link Status#NACK}, or
 * {@link Status#NO_REPLY} with the reason; on a host: {@link Status#CHANGED}, {@link
 * Status#UNCHANGED} (already at the bound) or {@link Status#FAILED}, with what changed or why not.
 */
public final class PowerResult {
  /** The kinds of result. */
  public enum Status {
    /** The host scaled the vCPU (or it was already at the bound). */
    ACK,
    /** The host refused or failed the request. */
    NACK,
    /** No reply came: see {@link #reason()}. */
    NO_REPLY,
    /** On a host: the frequency or turbo setting changed. */
    CHANGED,
    /** On a host: already at the bound asked for. */
    UNCHANGED,
    /** The request could not be made: see {@link #reason()}. */
    FAILED
  }

  private static final PowerResult ACK = new PowerResult(Status.ACK, "", false);
  private static final PowerResult NACK = new PowerResult(Status.NACK, "", true);

  private final Status status;
  private final String reason;
  private final boolean failure;

  private PowerResult(Status status, String reason, boolean failure) {
    this.status = status;
    this.reason = Objects.requireNonNull(reason);
    this.failure = failure;
  }

  public static PowerResult ack() {
    return ACK;
  }

  public static PowerResult nack() {
    return NACK;
  }

  /** A reply was expected but none came (timeout, host gone): a failure. */
  public static PowerResult noReply(String reason) {
    return new PowerResult(Status.NO_REPLY, reason, true);
  }

  /** The request was sent in a protocol that has no replies: not a failure. */
  public static PowerResult sentWithoutReply(String reason) {
    return new PowerResult(Status.NO_REPLY, reason, false);
  }

  public static PowerResult failed(String reason) {
    return new PowerResult(Status.FAILED, reason, true);
  }

  /** The result of scaling a host CPU, with its description as the reason. */
  public static PowerResult of(CpuScaleResult r) {
    return switch (r.outcome()) {
      case CHANGED -> new PowerResult(Status.CHANGED, r.describe(), false);
      case UNCHANGED -> new PowerResult(Status.UNCHANGED, r.describe(), false);
      case FAILED -> new PowerResult(Status.FAILED, r.describe(), true);
    };
  }

  public Status status() {
    return status;
  }

  /** Why there was no reply, what changed, or why it failed; empty for ACK and NACK. */
  public String reason() {
    return reason;
  }

  /** NACK, FAILED, or NO_REPLY when a reply was expected. */
  public boolean isFailure() {
    return failure;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PowerResult r
        && status == r.status
        && reason.equals(r.reason)
        && failure == r.failure;
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, reason, failure);
  }

  /** {@code ACK}, {@code NACK}, or the status with its reason: {@code NO_REPLY (timeout ...)}. */
  @Override
  public String toString() {
    return reason.isEmpty() ? status.name() : status + " (" + reason + ")";
  }
}
