package io.vmpower.core.policy;

import io.vmpower.core.vm.Vm;

/**
 * One installed policy at run time: the rule, when it is due, what its evaluations remember
 * (baselines of the counters it turns into rates, when it last moved each vCPU's pCPUs) and what it
 * last did, for {@code show_policies}.
 *
 * <p>{@code nextDue} is guarded by the engine's lock; the evaluation memory is the scheduler
 * thread's; the report fields are read by anyone (volatile). {@code retired} is set, holding this
 * object's monitor, when the policy is replaced or removed, so a running evaluation never applies a
 * stale decision.
 */
final class PolicyState {
  final Vm vm;
  final VmPolicy rule;
  final long installedMillis;

  /** On the HAL clock's nanoTime; {@link Long#MAX_VALUE}: only events make it due. */
  long nextDue;

  /** What the last evaluation computed for {@link #nextDue} (the engine's thread only). */
  long computedDue;

  /** Whether it is the VM's policy (guarded by the engine's lock). */
  boolean installed;

  /** The VM's counters (kept across its policies). */
  PolicyCounters counters;

  boolean retired;

  /** Set (under the engine's lock) when the VM restarted: its counters start again from zero. */
  boolean restarted;

  // ---- evaluation memory (scheduler thread)
  long[] lastVcpuTime;
  long[] lastVcpuWait;
  long lastVcpuAt;
  long[] lastChangeAt;
  long lastRx = -1;
  long lastRxAt;
  volatile int[] busyPercent;

  // ---- report
  volatile String lastDecision = "none yet";
  volatile long lastDecisionMillis;
  volatile String problem = "";
  volatile long problemSinceMillis;
  volatile String measured = "";

  PolicyState(Vm vm, VmPolicy rule, long nowNanos, long nowMillis) {
    this.vm = vm;
    this.rule = rule;
    this.installedMillis = nowMillis;
    this.nextDue = nowNanos;
  }

  /** Forgets the baselines (the VM restarted: its counters start again from zero). */
  void resetBaselines() {
    lastVcpuTime = null;
    lastRx = -1;
  }
}
