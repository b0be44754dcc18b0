package io.vmpower.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.FrequencyTable;
import io.vmpower.core.hal.VmState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultScenarioIsExactlyAsSpecified() {
    try (SimulatedHost host = new SimulatedHost(Scenario.defaultScenario(), dir)) {
      FrequencyTable table =
          FrequencyTable.of(
              2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000);
      assertTrue(table.hasTurbo());
      assertEquals(8, host.cpuCount());
      for (int c = 0; c < 8; c++) {
        SimulatedCpuState s = host.cpuState(c);
        assertEquals(table, s.table(), "cpu" + c);
        assertEquals(1, s.index(), "cpu" + c);
        assertEquals(2600000, s.khz(), "cpu" + c);
        assertTrue(s.turboEnabled(), "cpu" + c);
        assertEquals("acpi-cpufreq", s.driver());
        assertEquals("userspace", s.governor());
        assertTrue(s.online());
      }
      assertEquals(List.of("vm1", "vm2", "vm3"), host.vmNames());
      assertEquals(VmState.RUNNING, host.vmState("vm1"));
      assertEquals(CpuSet.of(2), host.pinning("vm1", 0));
      assertEquals(CpuSet.of(3), host.pinning("vm1", 1));
      assertEquals(List.of(0, 1), host.channels("vm1"));
      assertEquals(VmState.RUNNING, host.vmState("vm2"));
      for (int v = 0; v < 4; v++) {
        assertEquals(CpuSet.of(4 + v), host.pinning("vm2", v), "vm2 vCPU " + v);
      }
      assertEquals(List.of(0, 1, 2, 3), host.channels("vm2"));
      assertEquals(VmState.SHUT_OFF, host.vmState("vm3"));
      assertEquals(CpuSet.range(0, 7), host.pinning("vm3", 0));
      assertEquals(CpuSet.range(0, 7), host.pinning("vm3", 1));
      assertEquals(List.of(), host.channels("vm3"));
      assertThrows(IllegalArgumentException.class, () -> host.pinning("vm3", 2));
    }
  }

  @Test
  void defaultScenarioComesFromTheShippedResource() throws IOException {
    try (InputStream in = Scenario.class.getResourceAsStream(Scenario.DEFAULT_RESOURCE)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Scenario fromText = ScenarioLoader.parse(text, ScenarioLoader.Format.YAML, "x");
      assertEquals(fromText, Scenario.defaultScenario());
    }
  }

  @Test
  void loadsAYamlFile() throws IOException {
    Path file =
        write(
            "s.yaml",
            """
            host:
              cpus: 4
              frequencies: [2000000, 1000000, 1500000]
              initialKhz: 1500000
              threadsPerCore: 2
              overrides:
                - cpus: "3"
                  driver: intel_pstate
                  governor: powersave
                  frequencies: [3000000, 2000000]
                  initialKhz: 3000000
                  priorityCore: true
            vms:
              - name: a
                vcpus: 2
                pinning: ["0-1", "3"]
                channels: "0,2-3"
                peerUid: 1000
              - name: b
                state: shut_off
                vcpus: 1
            channelDir: /run/x
            """);
    Scenario s = ScenarioLoader.load(file);
    assertEquals(Path.of("/run/x"), s.channelDirOr(dir));
    try (SimulatedHost host = new SimulatedHost(s, dir)) {
      assertEquals(1500000, host.frequencyKhz(0));
      assertFalse(host.turboEnabled(0));
      assertEquals("intel_pstate", host.cpuState(3).driver());
      assertEquals("powersave", host.governor(3));
      assertEquals(3000000, host.frequencyKhz(3));
      SimulatedCpuFrequencies f = new SimulatedCpuFrequencies(host);
      assertEquals(CpuSet.of(0, 2), f.relatedCpus(0));
      assertEquals(CpuSet.of(1, 3), f.relatedCpus(3));
      assertTrue(f.capabilities(3).priorityCore());
      assertFalse(f.capabilities(0).priorityCore());
      assertEquals(CpuSet.range(0, 1), host.pinning("a", 0));
      assertEquals(List.of(0, 2, 3), host.channels("a"));
      assertEquals(VmState.SHUT_OFF, host.vmState("b"));
    }
  }

  @Test
  void loadsAJsonFileAndSiblingLists() throws IOException {
    Path file =
        write(
            "s.json",
            """
            {"host": {"cpus": 4, "frequencies": [2601000, 2600000], "siblings": ["0,2"]},
             "vms": [{"name": "j", "vcpus": 1, "channels": [5]}]}
            """);
    try (SimulatedHost host = new SimulatedHost(ScenarioLoader.load(file), dir)) {
      SimulatedCpuFrequencies f = new SimulatedCpuFrequencies(host);
      assertEquals(CpuSet.of(0, 2), f.relatedCpus(2));
      assertEquals(CpuSet.of(1), f.relatedCpus(1));
      assertTrue(f.table(1).hasTurbo());
      assertEquals(List.of(5), host.channels("j"));
    }
  }

  @Test
  void theExampleFileIsValid() throws IOException {
    try (InputStream in =
        Scenario.class.getResourceAsStream("/io/vmpower/hal/sim/example-scenario.yaml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Scenario s = ScenarioLoader.parse(text, ScenarioLoader.Format.YAML, "example");
      try (SimulatedHost host = new SimulatedHost(s, dir)) {
        assertEquals(16, host.cpuCount());
        assertFalse(host.cpuState(15).online());
        assertEquals(2000000, host.frequencyKhz(13));
        assertEquals(List.of("web1", "db1", "spare"), host.vmNames());
      }
    }
  }

  @Test
  void unknownFieldIsRejectedNamingFileFieldAndAccepted() throws IOException {
    Path file = write("bad.yaml", "host:\n  cpus: 2\n  frequencies: [1000]\n  cpuz: 3\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
    assertTrue(e.getMessage().startsWith(file + ": unknown field 'host.cpuz'"), e.getMessage());
    assertTrue(e.getMessage().contains("(line 4, column 3)"), e.getMessage());
    assertTrue(e.getMessage().contains("accepted here: cpus, driver, frequencies"), e.getMessage());
  }

  @Test
  void pinningOutsideTheHostIsRejected() throws IOException {
    Path file =
        write(
            "pin.yaml",
            "host: {cpus: 8, frequencies: [1000]}\n"
                + "vms: [{name: v, vcpus: 2, pinning: [\"2\", \"9\"]}]\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
    assertEquals(
        file + ": vms[0].pinning[1]: pCPU 9 does not exist (host.cpus is 8); use CPUs 0-7",
        e.getMessage());
  }

  @Test
  void pinningOfTheWrongLengthOrSyntaxIsRejected() {
    assertMessage(
        "vms: [{name: v, vcpus: 2, pinning: [\"2\"]}]",
        "s: vms[0].pinning: 1 entries for 2 vCPUs; give one cpulist per vCPU, "
            + "or leave pinning out for unpinned vCPUs");
    assertMessage(
        "vms: [{name: v, vcpus: 1, pinning: [\"2-x\"]}]",
        "s: vms[0].pinning[0]: '2-x' is not a CPU list: bad part '2-x'; "
            + "use numbers and ranges like 0-3,5,7-9");
  }

  @Test
  void badValuesAreRejectedWithWhatIsAccepted() {
    assertMessageStarts("vms: [{name: v, vcpus: two}]", "s: field 'vms[0].vcpus' (line 2");
    assertMessageContains("vms: [{name: v, vcpus: two}]", "expected a whole number");
    assertMessage(
        "vms: [{name: v, vcpus: 1, state: stopped}]",
        "s: vms[0].state: 'stopped' is not a state; use running or shut_off");
    assertMessageContains(
        "vms: [{name: v, vcpus: 1, channels: \"0-x\"}]", "'0-x' is not a channel");
    assertMessage(
        "vms: [{name: v, vcpus: 1, channels: [64, 5000]}]",
        "s: vms[0].channels: '5000' is not a channel number; use 0-4095");
    assertMessage(
        "vms: [{name: v, vcpus: 1}, {name: v, vcpus: 1}]",
        "s: vms[1].name: 'v' is defined twice; VM names are unique");
    assertMessage(
        "vms: [{vcpus: 1}]", "s: vms[0].name: required: the VM's name as the hypervisor knows it");
    assertMessageContains("vms: [{name: v, vcpus: 1}]\nvms: []", "Duplicate field 'vms'");
    assertMessageContains(
        "vms: [{name: v, vcpus: 1, pinning: \"2\"}]",
        "field 'vms[0].pinning' (line 2, column 27): bad value; expected a list");
    assertMessageContains("vms: [{name: v, vcpus: 1", "): not valid YAML: while parsing a flow");
    assertEquals("s: the scenario is empty; it needs at least 'host'", parseFails("").getMessage());
  }

  @Test
  void badHostValuesAreRejected() {
    assertHostMessage(
        "host: {cpus: 0, frequencies: [1000]}", "s: host.cpus: 0 is out of range; use 1-4096");
    assertHostMessage(
        "host: {cpus: 2}",
        "s: host.frequencies: required: a list of frequencies in kHz like [2600000, 2400000]");
    assertHostMessage(
        "host: {cpus: 2, frequencies: [3000, 1000], initialKhz: 1500}",
        "s: host.initialKhz: 1500 kHz is not in the table of cpu0 (3000 1000)");
    assertHostMessage(
        "host: {cpus: 2, frequencies: [3000, 1000], initialKhz: 1000,"
            + " overrides: [{cpus: \"1\", frequencies: [5]}]}",
        "s: host.initialKhz: 1000 kHz is not in the table of cpu1 (5)");
    assertHostMessage(
        "host: {cpus: 3, frequencies: [1000], threadsPerCore: 2}",
        "s: host.threadsPerCore: 2 is not possible with 3 CPUs; use 1-8 dividing host.cpus");
    assertHostMessage(
        "host: {cpus: 4, frequencies: [1000], siblings: [\"0,1\", \"1,2\"]}",
        "s: host.siblings[1]: CPU 1 is already in another group; each CPU in one group");
    assertHostMessage(
        "host: {cpus: 2, frequencies: [1000], offline: \"0-1\"}",
        "s: host.offline: every CPU would be offline; leave at least one online");
    assertHostMessage("vms: []", "s: host: required; give at least host.cpus and host.frequencies");
  }

  @Test
  void unknownFileTypeIsRejected() throws IOException {
    Path file = write("s.txt", "host: {}");
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
    assertEquals(
        file + ": unknown scenario file type; name it *.yaml, *.yml (YAML) or *.json (JSON)",
        e.getMessage());
  }

  private static final String HOST = "host: {cpus: 4, frequencies: [3000, 1000]}\n";

  private static ScenarioException parseFails(String yaml) {
    return assertThrows(
        ScenarioException.class, () -> ScenarioLoader.parse(yaml, ScenarioLoader.Format.YAML, "s"));
  }

  private static void assertMessage(String vms, String expected) {
    assertEquals(expected, parseFails(HOST + vms).getMessage());
  }

  private static void assertHostMessage(String yaml, String expected) {
    assertEquals(expected, parseFails(yaml).getMessage());
  }

  private static void assertMessageStarts(String vms, String prefix) {
    String m = parseFails(HOST + vms).getMessage();
    assertTrue(m.startsWith(prefix), m);
  }

  private static void assertMessageContains(String vms, String part) {
    String m = parseFails(HOST + vms).getMessage();
    assertTrue(m.contains(part), m);
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }
}
