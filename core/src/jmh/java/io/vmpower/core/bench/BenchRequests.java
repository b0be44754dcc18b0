package io.vmpower.core.bench;

import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The requests the benchmarks feed: as ci/bench.sh's load generator, down then up per vCPU. */
final class BenchRequests {
  private BenchRequests() {}

  /**
   * {@code count} 464-byte CPU_POWER requests in a direct little-endian buffer: request n scales
   * vCPU (n / 2) % 2, down when n is even and up when it is odd, so the frequency keeps moving.
   */
  static ByteBuffer alternating(int count, String vm) {
    ByteBuffer b =
        ByteBuffer.allocateDirect(count * Wire.REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (int n = 0; n < count; n++) {
      PowerRequest r = new PowerRequest();
      r.resourceId = (n / 2) % 2;
      r.unit = n % 2 == 0 ? Wire.SCALE_DOWN : Wire.SCALE_UP;
      r.command = Wire.CPU_POWER;
      r.vmName = vm;
      PowerRequestCodec.encode(r, WireFormat.DPDK, b, n * Wire.REQUEST_SIZE);
    }
    return b;
  }
}
