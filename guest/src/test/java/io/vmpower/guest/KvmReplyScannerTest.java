package io.vmpower.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KvmReplyScannerTest {
  private final ReplyQueue queue = new ReplyQueue(4096);

  private static byte[] scale(int lcore, int unit) {
    return PowerRequestCodec.encode(PowerRequest.cpuPower(lcore, unit), WireFormat.DPDK);
  }

  private static byte[] query(int command, int lcore) {
    PowerRequest r = PowerRequest.of(command, lcore);
    r.vmName = "vm1";
    return PowerRequestCodec.encode(r, WireFormat.DPDK);
  }

  private void feed(byte[]... parts) throws InterruptedException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      all.writeBytes(p);
    }
    byte[] b = all.toByteArray();
    queue.put(b, 0, b.length);
  }

  private KvmReplyScanner.Result scan(byte[] request, boolean query) throws InterruptedException {
    return KvmReplyScanner.await(
        queue, request, query, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void takesTheEchoOfTheRequest() throws InterruptedException {
    byte[] up = scale(0, Wire.SCALE_UP);
    byte[] ack = FakeKvmHost.ackNack(up, true);
    feed(ack);

    KvmReplyScanner.Result r = scan(up, false);

    assertEquals(ReplyQueue.Outcome.TAKEN, r.outcome());
    assertArrayEquals(ack, r.reply());
    assertEquals(0, r.skipped());
    assertEquals(0, queue.size());
  }

  @Test
  void skipsALateAckOfAnotherRequestAndALateListOfAnotherSize() throws InterruptedException {
    byte[] up = scale(0, Wire.SCALE_UP);
    byte[] down = scale(0, Wire.SCALE_DOWN);
    byte[] staleList = FakeKvmHost.freqList(query(Wire.QUERY_FREQ_LIST, 0), 2400000, 1800000);
    feed(FakeKvmHost.ackNack(up, true), staleList, FakeKvmHost.ackNack(down, false));

    KvmReplyScanner.Result r = scan(down, false);

    assertEquals(ReplyQueue.Outcome.TAKEN, r.outcome());
    assertEquals(Wire.NACK, KvmReplies.command(r.reply()));
    assertEquals(Wire.REQUEST_SIZE + Wire.FREQ_LIST_SIZE, r.skipped());
  }

  @Test
  void skipsNoiseOfAnyLength() throws InterruptedException {
    byte[] max = scale(2, Wire.SCALE_MAX);
    byte[] noise = new byte[101];
    noise[12] = 1; // looks like the start of an ACK
    noise[60] = 4; // and of a CAPS_LIST
    feed(noise, FakeKvmHost.ackNack(max, true));

    KvmReplyScanner.Result r = scan(max, false);

    assertEquals(ReplyQueue.Outcome.TAKEN, r.outcome());
    assertEquals(Wire.ACK, KvmReplies.command(r.reply()));
    assertEquals(101, r.skipped());
  }

  @Test
  void aStaleListWhoseTailLooksLikeAnAckDoesNotHideTheShorterAnswer() throws InterruptedException {
    // skipping the stale CAPS_LIST byte by byte: the window 164 bytes in has its num_vcpu (1, an
    // ACK) as command, the one 172 bytes in the answer's resource_id (3, a FREQ_LIST) as command;
    // neither may be taken
    byte[] q = query(Wire.QUERY_FREQ, 3);
    byte[] stale =
        FakeKvmHost.capsList(
            query(Wire.QUERY_CAPS_LIST, 0), new boolean[] {true}, new boolean[] {true});
    byte[] answer = FakeKvmHost.freqList(q, 2600000);
    feed(stale, answer);

    KvmReplyScanner.Result r = scan(q, true);

    assertEquals(ReplyQueue.Outcome.TAKEN, r.outcome());
    assertArrayEquals(answer, r.reply());
  }

  @Test
  void aQueryIsAnsweredByItsListOrByANackButNotByAnAck() throws InterruptedException {
    byte[] q = query(Wire.QUERY_CAPS, 1);
    feed(FakeKvmHost.ackNack(q, true), FakeKvmHost.ackNack(q, false));

    KvmReplyScanner.Result r = scan(q, true);

    assertEquals(Wire.NACK, KvmReplies.command(r.reply()));
    assertEquals(Wire.REQUEST_SIZE, r.skipped());
  }

  @Test
  void aListOfTheKindAskedForIsTheAnswerWhateverItsResourceId() throws InterruptedException {
    // DPDK's host leaves resource_id (and unit, vm_name) uninitialised in its lists
    byte[] q = query(Wire.QUERY_FREQ, 1);
    byte[] answer = FakeKvmHost.dpdkFreqList(2, 1, 1200000);
    feed(answer);

    KvmReplyScanner.Result r = scan(q, true);

    assertEquals(ReplyQueue.Outcome.TAKEN, r.outcome());
    assertArrayEquals(answer, r.reply());
    assertEquals(0, r.skipped());
  }

  @Test
  void aListOfTheOtherKindIsNotTheAnswer() throws InterruptedException {
    byte[] q = query(Wire.QUERY_CAPS, 1);
    feed(FakeKvmHost.dpdkFreqList(2, 1, 1200000));

    assertEquals(ReplyQueue.Outcome.TIMED_OUT, scan(q, true).outcome());
  }

  @Test
  void aPartialReplyTimesOutAndAnEndedStreamEnds() throws InterruptedException {
    byte[] up = scale(0, Wire.SCALE_UP);
    byte[] ack = FakeKvmHost.ackNack(up, true);
    queue.put(ack, 0, 200);

    assertEquals(ReplyQueue.Outcome.TIMED_OUT, scan(up, false).outcome());

    queue.end("the host closed the port");
    assertEquals(ReplyQueue.Outcome.ENDED, scan(up, false).outcome());
  }
}
