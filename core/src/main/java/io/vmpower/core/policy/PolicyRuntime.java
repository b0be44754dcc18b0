package io.vmpower.core.policy;

import io.vmpower.core.host.HypervisorSync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The policy side of a running host, started and stopped with it: the engine's thread, its
 * following of VM events, and the dedicated CPUs.
 */
@Singleton
public final class PolicyRuntime implements AutoCloseable {
  private final PolicyEngine engine;
  private final PolicyScheduler scheduler;
  private final PolicyFollower follower;
  private final DedicatedCpus dedicated;

  @Inject
  public PolicyRuntime(
      PolicyEngine engine,
      PolicyScheduler scheduler,
      PolicyFollower follower,
      DedicatedCpus dedicated) {
    this.engine = engine;
    this.scheduler = scheduler;
    this.follower = follower;
    this.dedicated = dedicated;
  }

  public PolicyEngine engine() {
    return engine;
  }

  public DedicatedCpus dedicated() {
    return dedicated;
  }

  public PolicyScheduler scheduler() {
    return scheduler;
  }

  /** Follows {@code sync}'s VM events, parks the unused dedicated CPUs, starts the thread. */
  public void start(HypervisorSync sync) {
    sync.addFollower(follower);
    sync.addFollower(dedicated);
    dedicated.start();
    scheduler.start();
  }

  /** Stops the thread (an evaluation in progress ends first). */
  @Override
  public void close() {
    scheduler.close();
  }
}
