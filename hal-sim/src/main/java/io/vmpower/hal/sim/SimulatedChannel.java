package io.vmpower.hal.sim;

import java.nio.file.Path;

/**
 * One virtio-serial channel of a simulated VM: the bytes in flight both ways and the host end
 * attached now. Guarded by the host's lock.
 */
final class SimulatedChannel {
  /** Bytes the host may have pending towards a guest that reads normally. */
  static final int DEFAULT_CAPACITY = 16 << 20;

  final SimulatedVm vm;
  final int number;
  final Path path;

  /** Guest bytes written while no host end was attached: delivered to the next one. */
  final SimulatedByteQueue pending = new SimulatedByteQueue(256);

  /** Host bytes the guest has not read yet. */
  final SimulatedByteQueue toGuest = new SimulatedByteQueue(256);

  SimulatedChannelEndpoint attached;
  int capacity = DEFAULT_CAPACITY;
  private int[] split = new int[0];
  private int splitPos;
  SimulatedGuestPort port;

  SimulatedChannel(SimulatedVm vm, int number, Path path) {
    this.vm = vm;
    this.number = number;
    this.path = path;
  }

  /** The guest wrote: to the attached host end, or kept until one attaches. */
  void guestWrite(byte[] bytes, int off, int len) {
    if (attached != null && !attached.hungUp) {
      attached.inbound.write(bytes, off, len);
    } else {
      pending.write(bytes, off, len);
    }
  }

  /** The most the next host read may return (split delivery), then {@link #readDone}. */
  int readLimit() {
    return splitPos < split.length ? split[splitPos] : Integer.MAX_VALUE;
  }

  void readDone() {
    if (splitPos < split.length) {
      splitPos++;
    }
  }

  void split(int[] chunks) {
    split = chunks.clone();
    splitPos = 0;
  }

  /** Bytes the guest wrote that no host end has read yet. */
  int pendingToHost() {
    return pending.size() + (attached != null ? attached.inbound.size() : 0);
  }

  /** The host end goes away (hang-up, VM stop): it sees end-of-file after what it has. */
  void hangUpHostEnd() {
    if (attached != null) {
      attached.hungUp = true;
      attached = null;
    }
  }
}
