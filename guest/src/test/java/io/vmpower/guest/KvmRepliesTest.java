package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which entry of a single-vCPU reply the guest reads, in both hosts' layouts. */
class KvmRepliesTest {
  private static byte[] query(int command, int lcore) {
    return PowerRequestCodec.encode(PowerRequest.of(command, lcore), WireFormat.DPDK);
  }

  @Test
  void dpdksLayoutIsReadAtTheVcpusIndexEvenWhenItsEntryIsAllFalse() {
    // entry 0 is uninitialised (non-zero) in DPDK's reply to a query of vCPU 2 of a 4-vCPU VM
    byte[] reply = FakeKvmHost.dpdkCapsList(4, 2, new boolean[] {false}, new boolean[] {false});

    assertEquals(
        List.of(new VcpuCapabilities(2, false, false)),
        KvmReplies.capabilities(reply, 2, false).entries());
  }

  @Test
  void dpdksLayoutIsReadAtTheVcpusIndexEvenWhenItsFrequencyIsZero() {
    byte[] reply = FakeKvmHost.dpdkFreqList(2, 1, 0);

    assertEquals(
        List.of(new VcpuFrequency(1, 0)), KvmReplies.frequencies(reply, 1, false).entries());
  }

  @Test
  void thisProjectsLayoutIsReadAtTheVcpusIndex() {
    // vCPU 3: the entry at index 0 and at index 3, num_vcpu 4, entries 1 and 2 zero
    byte[] reply =
        FakeKvmHost.capsList(
            query(Wire.QUERY_CAPS, 3),
            new boolean[] {true, false, false, true},
            new boolean[] {false, false, false, false});

    assertEquals(
        List.of(new VcpuCapabilities(3, true, false)),
        KvmReplies.capabilities(reply, 3, false).entries());
  }

  @Test
  void aReplyListingOneEntryIsReadAtIndexZero() {
    byte[] caps =
        FakeKvmHost.capsList(query(Wire.QUERY_CAPS, 5), new boolean[] {true}, new boolean[] {true});
    byte[] freq = FakeKvmHost.freqList(query(Wire.QUERY_FREQ, 5), 1800000);

    assertEquals(
        List.of(new VcpuCapabilities(5, true, true)),
        KvmReplies.capabilities(caps, 5, false).entries());
    assertEquals(
        List.of(new VcpuFrequency(5, 1800000)), KvmReplies.frequencies(freq, 5, false).entries());
  }
}
