package io.vmpower.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmInterface;
import io.vmpower.core.hal.VmState;
import io.vmpower.core.power.FrequencyLevel;
import io.vmpower.core.vm.Vm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** set_policy's words: strict, with the defaults of the settings, and printed back the same. */
class PolicyParametersTest {
  static final MacAddress MAC = MacAddress.parse("52:54:00:00:01:01");
  final Vm vm =
      new Vm(
          new VmInfo(
              "vm1",
              VmState.RUNNING,
              2,
              List.of(CpuSet.of(2), CpuSet.of(3)),
              List.of(new VmInterface(MAC, "vnet0"))));

  VmPolicy parse(String kind, String... words) {
    return PolicyParameters.parse(
        vm,
        kind,
        PolicyParameters.words(List.of(words)),
        PolicySource.OPERATOR,
        PolicySettings.defaults());
  }

  String fails(String kind, String... words) {
    return assertThrows(IllegalArgumentException.class, () -> parse(kind, words)).getMessage();
  }

  @Test
  void busyTakesTheSettingsDefaults() {
    assertEquals(
        new Policy.Busy(80, 5, Duration.ofMillis(100), Duration.ofMillis(300)),
        parse("busy").policy());
    VmPolicy r =
        parse(
            "busy", "target=70", "band=10", "period=1s", "cooldown=0ms", "vcpus=1", "guests=deny");
    assertEquals(new Policy.Busy(70, 10, Duration.ofSeconds(1), Duration.ZERO), r.policy());
    assertEquals(List.of(1), r.vcpus());
    assertFalse(r.guests());
  }

  @Test
  void eachKindReadsItsParameters() {
    assertEquals(
        new Policy.Workload(FrequencyLevel.MEDIUM), parse("workload", "level=medium").policy());
    assertEquals(
        new Policy.Traffic(List.of(MAC), 5, 100, 200, Duration.ofSeconds(2)),
        parse("traffic", "macs=52:54:00:00:01:01", "min=5", "avg=100", "max=200", "period=2s")
            .policy());
    assertEquals(
        new Policy.Traffic(List.of(MAC), 0, 200, 200, Duration.ofSeconds(1)),
        parse("traffic", "macs=52:54:00:00:01:01", "max=200").policy(),
        "avg defaults to max, min to 0");
    Policy.Time t = (Policy.Time) parse("time", "busy=17-19,8", "quiet=0-2").policy();
    assertEquals(List.of(8, 17, 18, 19), t.busyHours());
    assertEquals(List.of(0, 1, 2), t.quietHours());
    assertEquals(new Policy.BranchRatio(0.25), parse("branch_ratio", "threshold=0.25").policy());
  }

  @Test
  void whatShowPoliciesPrintsCanBeTypedBack() {
    for (String[] words :
        List.of(
            new String[] {"busy", "target=70", "vcpus=0", "guests=deny"},
            new String[] {
              "time", "busy=17-23", "quiet=1,3", "traffic=8", "macs=52:54:00:00:01:01", "max=9"
            },
            new String[] {"workload", "level=low"})) {
      VmPolicy r = parse(words[0], java.util.Arrays.copyOfRange(words, 1, words.length));
      String[] printed = PolicyText.rule(r).split(" ");
      VmPolicy again = parse(printed[0], java.util.Arrays.copyOfRange(printed, 1, printed.length));
      assertEquals(r, again, PolicyText.rule(r));
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "nap||unknown policy 'nap': use busy, workload, time, traffic, branch_ratio",
        "busy|speed=3|unknown parameter 'speed' for a busy policy: use target, band, period, cooldown, vcpus, guests",
        "busy|target=0|target=0 is out of range: use 1-100",
        "busy|target=8x|target='8x' is not a whole number",
        "busy|target=90 band=20|busy band must keep target ± band within 0-100 %",
        "busy|period=5ms|period must be 10 ms to 1 h, got 5 ms",
        "busy|period=100|period='100' is not a duration",
        "busy|cooldown=2h|cooldown must be 10 ms to 1 h, got 7200000 ms (or 0ms)",
        "busy|vcpus=2|vCPU 2 does not exist (VM 'vm1' has 2 vCPUs: 0-1)",
        "busy|guests=maybe|guests='maybe': use allow or deny",
        "workload||a workload policy needs level=high, medium or low",
        "workload|level=max|level='max': use high, medium or low",
        "time|busy=24|busy='24' is not a list of hours",
        "time|busy=3 quiet=3|hour(s) 3 listed as more than one",
        "time||a time policy needs at least one",
        "time|busy=3 max=5|'max' is for traffic hours",
        "traffic|max=5|a traffic policy needs macs=",
        "traffic|macs=52:54:00:00:09:09 max=5|VM 'vm1' has no interface with MAC 52:54:00:00:09:09 (it has: 52:54:00:00:01:01)",
        "traffic|macs=ff:ff:ff:ff:ff:ff max=5|is not a NIC's address",
        "traffic|macs=52:54:00:00:01:01|needs max=PPS",
        "traffic|macs=52:54:00:00:01:01 max=5 avg=6|min <= avg <= max",
        "branch_ratio|threshold=2|threshold=2 is out of range",
      })
  void badWordsAreRefusedSayingWhatIsAccepted(String kind, String words, String message) {
    String[] w = words == null ? new String[0] : words.split(" ");
    String m = fails(kind, w);
    assertTrue(m.contains(message), m);
  }

  @Test
  void wordsMustBeKeyValueOnce() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> PolicyParameters.words(List.of("target")))
            .getMessage()
            .contains("is not a parameter: write key=value"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> PolicyParameters.words(List.of("band=1", "band=2")))
            .getMessage()
            .contains("given twice"));
    assertEquals(Map.of("a", "b=c"), PolicyParameters.words(List.of("a=b=c")));
  }
}
