package io.vmpower.hal.sim;

/**
 * What the simulated HAL objects learn from {@link SimulatedHost} besides hypervisor events. Called
 * on the thread of the driver method, after the state changed and outside the host's lock.
 */
interface SimulatedHostObserver {
  default void vmStarted(String vm) {}

  default void vmStopped(String vm) {}

  /** The host end of a channel was hung up (the VM may still run). */
  default void channelHungUp(String vm, int channel) {}

  default void clockAdvanced() {}
}
