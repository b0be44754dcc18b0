package io.vmpower.core.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Every field of a guest request, in the 464-byte layout (the 16-byte legacy layout is its first
 * three fields). Mutable, so that decoding can reuse one instance; see {@link PowerRequestCodec}.
 */
public final class PowerRequest {
  /** The guest's lcore / vCPU number (u64). */
  public long resourceId;

  /** The unit, e.g. {@link Wire#SCALE_UP} (u32). */
  public int unit;

  /** The command, e.g. {@link Wire#CPU_POWER} (u32). */
  public int command;

  /** The VM name the guest claims (at most 31 bytes of UTF-8; never trusted by the host). */
  public String vmName = "";

  public final long[] vfid = new long[Wire.MAX_VFS];
  public int nbMacToMonitor;
  public final int[] trafficPolicy = new int[3];
  public final byte[] vcpuToControl = new byte[8];

  /** u8. */
  public int numVcpu;

  /** busy_hours, quiet_hours, hours_to_use_traffic_profile: 3 x 24 i32. */
  public final int[][] timerPolicy = new int[3][Wire.HOURS];

  /** 0 virtual, 1 physical (bool; any non-zero byte reads as physical). */
  public boolean physicalCore;

  public int workload;
  public int policyToUse;
  public boolean turboStatus;

  public PowerRequest() {}

  /** A CPU_POWER request for {@code lcore} with {@code unit}, every other field zero. */
  public static PowerRequest cpuPower(long lcore, int unit) {
    PowerRequest r = new PowerRequest();
    r.resourceId = lcore;
    r.unit = unit;
    r.command = Wire.CPU_POWER;
    return r;
  }

  /** A request with {@code command} and {@code resourceId}, every other field zero. */
  public static PowerRequest of(int command, long resourceId) {
    PowerRequest r = new PowerRequest();
    r.command = command;
    r.resourceId = resourceId;
    return r;
  }

  /** Sets every field back to zero / empty. */
  public void clear() {
    resourceId = 0;
    unit = 0;
    command = 0;
    vmName = "";
    Arrays.fill(vfid, 0);
    nbMacToMonitor = 0;
    Arrays.fill(trafficPolicy, 0);
    Arrays.fill(vcpuToControl, (byte) 0);
    numVcpu = 0;
    for (int[] row : timerPolicy) {
      Arrays.fill(row, 0);
    }
    physicalCore = false;
    workload = 0;
    policyToUse = 0;
    turboStatus = false;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PowerRequest r)) {
      return false;
    }
    return resourceId == r.resourceId
        && unit == r.unit
        && command == r.command
        && vmName.equals(r.vmName)
        && Arrays.equals(vfid, r.vfid)
        && nbMacToMonitor == r.nbMacToMonitor
        && Arrays.equals(trafficPolicy, r.trafficPolicy)
        && Arrays.equals(vcpuToControl, r.vcpuToControl)
        && numVcpu == r.numVcpu
        && Arrays.deepEquals(timerPolicy, r.timerPolicy)
        && physicalCore == r.physicalCore
        && workload == r.workload
        && policyToUse == r.policyToUse
        && turboStatus == r.turboStatus;
  }

  @Override
  public int hashCode() {
    return Objects.hash(resourceId, unit, command, vmName, Arrays.hashCode(vfid), numVcpu);
  }

  @Override
  public String toString() {
    return "PowerRequest{"
        + Wire.commandName(command)
        + " unit="
        + Integer.toUnsignedString(unit)
        + " resource="
        + Long.toUnsignedString(resourceId)
        + (vmName.isEmpty() ? "" : " vm_name='" + vmName + "'")
        + (physicalCore ? " core_type=physical" : "")
        + "}";
  }
}
