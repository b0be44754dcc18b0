package io.vmpower.core.monitor;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.power.PowerArbiter;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.wire.Wire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The ACKs of one monitor turn that depend on a frequency write not made yet (write-combining, see
 * {@link PowerArbiter#beginTurn()}): each scale request that set a demand in the turn, the CPUs it
 * set it on, where its reply lies, and the counter it was counted under. When the turn's write of
 * one of those CPUs fails, the turn's demands on that CPU are undone, so the reply becomes a NACK
 * and the request is counted as {@link Counter#NACK_SCALE_FAILED}, as if its own write had failed.
 * Monitor thread only; allocation-free once its arrays have grown to a turn's requests.
 */
final class TurnAcks {
  private Channel[] channels = new Channel[64];
  private CpuSet[] cpus = new CpuSet[64];
  private ByteBuffer[] buffers = new ByteBuffer[64];
  private int[] offsets = new int[64];
  private Counter[] counters = new Counter[64];
  private int count;

  /**
   * A request of {@code channel} acknowledged before the write of {@code set} it depends on: its
   * reply at {@code offset} of {@code buffer} (-1: no reply, legacy or dropped), counted under
   * {@code counter}.
   */
  void add(Channel channel, CpuSet set, ByteBuffer buffer, int offset, Counter counter) {
    if (count == channels.length) {
      int n = count * 2;
      channels = Arrays.copyOf(channels, n);
      cpus = Arrays.copyOf(cpus, n);
      buffers = Arrays.copyOf(buffers, n);
      offsets = Arrays.copyOf(offsets, n);
      counters = Arrays.copyOf(counters, n);
    }
    channels[count] = channel;
    cpus[count] = set;
    buffers[count] = buffer;
    offsets[count] = offset;
    counters[count] = counter;
    count++;
  }

  int size() {
    return count;
  }

  /**
   * Turns every recorded ACK that depends on a CPU whose write failed ({@link
   * PowerArbiter#failedInTurn}) into a NACK, before any reply of the turn is written.
   *
   * @return how many were turned
   */
  int nackFailed(PowerArbiter arbiter) {
    int turned = 0;
    for (int i = 0; i < count; i++) {
      if (!dependsOnFailure(arbiter, cpus[i])) {
        continue;
      }
      if (offsets[i] >= 0) {
        buffers[i].order(ByteOrder.LITTLE_ENDIAN).putInt(offsets[i] + Wire.OFF_COMMAND, Wire.NACK);
      }
      channels[i].stats().add(counters[i], -1);
      channels[i].stats().increment(Counter.NACK_SCALE_FAILED);
      turned++;
    }
    return turned;
  }

  private static boolean dependsOnFailure(PowerArbiter arbiter, CpuSet set) {
    for (int cpu = set.first(); cpu >= 0; cpu = set.next(cpu + 1)) {
      if (arbiter.failedInTurn(cpu)) {
        return true;
      }
    }
    return false;
  }

  /** Forgets the turn's ACKs (their replies were written). */
  void clear() {
    for (int i = 0; i < count; i++) {
      channels[i] = null;
      cpus[i] = null;
      buffers[i] = null;
    }
    count = 0;
  }
}
