package io.vmpower.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of the codec: round trips of any valid request, and total decoding. */
class WirePropertiesTest {

  @Property
  void dpdkRequestsRoundTrip(@ForAll("requests") PowerRequest r) {
    byte[] bytes = PowerRequestCodec.encode(r, WireFormat.DPDK);

    assertEquals(464, bytes.length);
    assertEquals(r, PowerRequestCodec.decode(bytes, WireFormat.DPDK));
  }

  @Property
  void legacyRequestsRoundTrip(@ForAll long resourceId, @ForAll int unit, @ForAll int command) {
    PowerRequest r = PowerRequest.of(command, resourceId);
    r.unit = unit;

    byte[] bytes = PowerRequestCodec.encode(r, WireFormat.LEGACY);

    assertEquals(16, bytes.length);
    assertEquals(r, PowerRequestCodec.decode(bytes, WireFormat.LEGACY));
  }

  @Property
  void decodingAny464BytesNeverThrows(@ForAll @Size(464) byte[] bytes) {
    PowerRequest r = PowerRequestCodec.decode(bytes, WireFormat.DPDK);

    assertTrue(r.vmName.getBytes(StandardCharsets.UTF_8).length <= 32 * 3);
    assertTrue(r.numVcpu >= 0 && r.numVcpu <= 255);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(b.getLong(0), r.resourceId);
    assertEquals(b.getInt(12), r.command);
  }

  @Provide
  Arbitrary<PowerRequest> requests() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .withCharRange('\u0001', '\uD7FF')
            .ofMaxLength(31)
            .filter(s -> s.getBytes(StandardCharsets.UTF_8).length <= 31);
    return Combinators.combine(
            Arbitraries.longs(),
            Arbitraries.integers(),
            Arbitraries.integers(),
            names,
            Arbitraries.integers().between(0, 255),
            Arbitraries.longs())
        .as(
            (resource, unit, command, name, numVcpu, seed) -> {
              PowerRequest r = new PowerRequest();
              r.resourceId = resource;
              r.unit = unit;
              r.command = command;
              r.vmName = name;
              r.numVcpu = numVcpu;
              fillTheRest(r, new Random(seed));
              return r;
            });
  }

  private static void fillTheRest(PowerRequest r, Random rnd) {
    for (int i = 0; i < r.vfid.length; i++) {
      r.vfid[i] = rnd.nextLong();
    }
    r.nbMacToMonitor = rnd.nextInt();
    for (int i = 0; i < 3; i++) {
      r.trafficPolicy[i] = rnd.nextInt();
    }
    rnd.nextBytes(r.vcpuToControl);
    for (int[] row : r.timerPolicy) {
      for (int h = 0; h < row.length; h++) {
        row[h] = rnd.nextInt();
      }
    }
    r.physicalCore = rnd.nextBoolean();
    r.workload = rnd.nextInt();
    r.policyToUse = rnd.nextInt();
    r.turboStatus = rnd.nextBoolean();
  }
}
