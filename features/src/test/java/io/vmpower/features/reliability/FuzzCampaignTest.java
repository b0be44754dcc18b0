package io.vmpower.features.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.vm.ChannelStats.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fuzz campaign over real sockets: every attack on vm1.0 is answered as designed, counted in
 * exactly one place, logged without flooding, and the good guests on vm1.1 and vm2.0 are served
 * correctly throughout. Prints the table. Scale 1 in the normal build; {@code ci/fuzz.sh --scale N}
 * runs it larger ({@code -Dvmpower.fuzz.scale}, {@code -Dvmpower.report=FILE}).
 */
class FuzzCampaignTest {
  private static final int SCALE = Integer.getInteger("vmpower.fuzz.scale", 1);
  private static FuzzCampaign.Result result;

  @BeforeAll
  static void runCampaign() throws Exception {
    long t0 = System.nanoTime();
    result = FuzzCampaign.run(SCALE);
    String report = FuzzCampaign.report(result, SCALE, Duration.ofNanos(System.nanoTime() - t0));
    System.out.println(report);
    String file = System.getProperty("vmpower.report");
    if (file != null) {
      Files.writeString(Path.of(file), report, StandardCharsets.UTF_8);
    }
  }

  @Test
  void theGoodGuestsGotTheirAcksAndFrequenciesThroughout() {
    assertEquals(List.of(), result.goodErrors());
    assertTrue(result.goodServed() > 0, "the good guests made progress");
  }

  @Test
  void everyRequestReadLandsInExactlyOneOutcome() {
    for (FuzzCampaign.Row row : result.rows()) {
      long outcomes = 0;
      for (Counter c : Counter.values()) {
        if (c.isRequestOutcome()) {
          outcomes += row.delta(c);
        }
      }
      assertEquals(row.delta(Counter.REQUESTS), outcomes, row.attack() + ": " + row.counters());
    }
  }

  @Test
  void singleBadRequestsGetANackACounterAndAWarning() {
    check(
        "unknown command",
        "NACK x1",
        Counter.NACK_UNKNOWN_COMMAND,
        1,
        "WARN vm1.0: unknown command 99 refused");
    check(
        "unknown unit",
        "NACK x1",
        Counter.NACK_UNKNOWN_UNIT,
        1,
        "WARN vm1.0: unknown unit 42 refused");
    check(
        "resource_id one past",
        "NACK x1",
        Counter.NACK_UNKNOWN_VCPU,
        1,
        "WARN vm1.0: vCPU 2 refused: VM 'vm1' has 2 vCPUs");
    check(
        "resource_id at the top",
        "NACK x1",
        Counter.NACK_UNKNOWN_VCPU,
        1,
        "WARN vm1.0: vCPU 18446744073709551615 refused");
    check(
        "core_type physical",
        "NACK x1",
        Counter.NACK_PHYSICAL_CORE,
        1,
        "WARN vm1.0: core_type physical refused");
    check(
        "traffic policy",
        "NACK x1",
        Counter.NACK_POLICY_BAD_VCPU,
        1,
        "WARN vm1.0: policy refused: num_vcpu 0 must be 1-8");
  }

  @Test
  void anotherVmsNameChangesNothingAboutWhoIsServed() {
    check("vm_name of another VM (scale)", "ACK x1", Counter.ACKED, 1, "(none)");
    check("vm_name of another VM (query)", "FREQ_LIST(vm1) x1", Counter.ANSWERED, 1, "(none)");
  }

  @Test
  void refusedQueriesGetNoReply() {
    check(
        "query while queries are disabled",
        "none",
        Counter.REFUSED_QUERY_DISABLED,
        1,
        "INFO vm1.0: query refused: queries are disabled for VM 'vm1'");
    check(
        "query of a vCPU",
        "none",
        Counter.REFUSED_QUERY_BAD_VCPU,
        1,
        "WARN vm1.0: query of vCPU 9 refused");
  }

  @Test
  void connectBurstsAreCountedSilently() {
    check("burst of CONNECT", "none", Counter.CONNECTS, SCALE * 5000L, "(none)");
  }

  @Test
  void aFloodIsAnsweredOrItsRepliesCountedAsDroppedAndLoggedAFewLinesASecond() {
    FuzzCampaign.Row row = result.row("flood");
    assertEquals(SCALE * 10_000L, row.delta(Counter.NACK_UNKNOWN_UNIT), row.counters());
    assertTrue(row.reply().matches("NACK x\\d+"), row.reply());
    long read = Long.parseLong(row.reply().substring("NACK x".length()));
    assertEquals(
        SCALE * 10_000L,
        read + row.delta(Counter.REPLIES_DROPPED),
        "each NACK was read by the guest or counted as dropped when its queue was full");
    assertTrue(row.log().contains("unknown unit 42 refused"), row.log());
    assertTrue(row.log().contains("more line(s) like these not logged"), row.log());
  }

  @Test
  void aTruncatedRequestIsCountedAsIncompleteBytesAtTheHangUp() {
    FuzzCampaign.Row row =
        check("truncated", "none", Counter.INCOMPLETE_BYTES, 200, "peer hung up");
    assertEquals(0, row.delta(Counter.REQUESTS));
    assertEquals(1, row.delta(Counter.HANGUPS));
    assertEquals(1, row.delta(Counter.ATTACHES), "re-attached by itself");
  }

  @Test
  void randomBytesAreServedAsWholePacketsAndTheRestDroppedAtTheHangUp() {
    FuzzCampaign.Row row = result.row("random bytes");
    assertEquals(SCALE * 50L, row.delta(Counter.REQUESTS), row.counters());
    assertEquals(1, row.delta(Counter.ATTACHES), row.counters());
  }

  @Test
  void aGuestThatNeverReadsLosesItsRepliesNotItsRequests() {
    FuzzCampaign.Row row = result.row("guest that never reads");
    assertEquals(SCALE * 3000L, row.delta(Counter.ACKED), row.counters());
    assertTrue(row.delta(Counter.REPLIES_DROPPED) > 0, row.counters());
    assertTrue(row.log().contains("reply dropped: the guest does not read its replies"), row.log());
  }

  private static FuzzCampaign.Row check(
      String attack, String reply, Counter counter, long delta, String logText) {
    FuzzCampaign.Row row = result.row(attack);
    assertEquals(reply, row.reply(), attack);
    assertEquals(delta, row.delta(counter), attack + ": " + row.counters());
    assertTrue(row.log().contains(logText), attack + ": " + row.log());
    return row;
  }
}
