package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.config.HostConfig;
import io.vmpower.core.host.PolicyCommands;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DPDK's JSON instructions carried out on a host over the simulated default scenario. */
class DpdkJsonExecuteTest {
  @TempDir Path dir;
  SimulatedHost sim;
  HostApp app;
  PolicyCommands policies;
  final StringWriter out = new StringWriter();

  @BeforeEach
  void start() {
    sim = new SimulatedHost(Scenario.defaultScenario(), dir);
    app =
        new HostApp(
                HostConfig.defaults(dir),
                new SimulatedHalModule(sim),
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true))
            .start();
    policies = app.injector().getInstance(PolicyCommands.class);
    assertEquals(0, app.execute("add_vm vm1"));
  }

  @AfterEach
  void stop() {
    app.shutdown();
    sim.close();
  }

  DpdkJson.Result run(String json) {
    return DpdkJson.execute(DpdkJson.parse(json), policies);
  }

  @Test
  void aCreatedPolicyIsTheOperatorsAndADestroyRemovesIt() {
    DpdkJson.Result r =
        run(
            "{\"vm\":\"vm1\",\"policy\":{\"command\":\"create\",\"policy_type\":\"WORKLOAD\","
                + "\"workload\":\"HIGH\",\"core_list\":[1]}}");
    assertTrue(r.ok(), r.message());
    assertEquals("VM 'vm1': policy set: workload level=high vcpus=1", r.message());
    assertEquals(0, app.execute("show_policies vm1"));
    assertTrue(out.toString().contains("(set by the operator)"), out.toString());
    org.awaitility.Awaitility.await().until(() -> sim.frequencyKhz(3) == 2601000);
    assertEquals(2600000, sim.frequencyKhz(2), "vCPU 0 is not controlled");
    assertTrue(run("{\"vm\":\"vm1\",\"policy\":{\"command\":\"destroy\"}}").ok());
    DpdkJson.Result again = run("{\"vm\":\"vm1\",\"policy\":{\"command\":\"destroy\"}}");
    assertFalse(again.ok());
    assertEquals("VM 'vm1' has no policy", again.message());
  }

  @Test
  void aPowerInstructionScalesTheVcpusPcpuAsItsGuestWould() {
    DpdkJson.Result r =
        run(
            "{\"vm\":\"vm1\",\"instruction\":{\"command\":\"power\",\"unit\":\"SCALE_MIN\","
                + "\"resource_id\":1}}");
    assertEquals(new DpdkJson.Result(true, "VM 'vm1' vCPU 1: min changed"), r);
    assertEquals(1200000, sim.frequencyKhz(3));
    DpdkJson.Result bad =
        run(
            "{\"vm\":\"vm1\",\"instruction\":{\"command\":\"power\",\"unit\":\"SCALE_MIN\","
                + "\"resource_id\":2}}");
    assertFalse(bad.ok());
    assertEquals("vCPU 2 does not exist (VM 'vm1' has 2 vCPUs)", bad.message());
  }

  @Test
  void aPolicyTheHostCannotRunIsRefusedAndChangesNothing() {
    DpdkJson.Result r =
        run(
            "{\"vm\":\"vm1\",\"policy\":{\"command\":\"create\",\"policy_type\":\"TRAFFIC\","
                + "\"mac_list\":[\"de:ad:be:ef:01:01\"],\"max_packet_thresh\":5}}");
    assertFalse(r.ok());
    assertTrue(r.message().contains("has no interface with MAC de:ad:be:ef:01:01"), r.message());
    DpdkJson.Result unknownVm =
        run("{\"vm\":\"vm9\",\"policy\":{\"command\":\"create\",\"busy_hours\":[1]}}");
    assertFalse(unknownVm.ok());
    assertTrue(unknownVm.message().startsWith("Unknown VM 'vm9'"), unknownVm.message());
    assertEquals(0, sim.frequencyWriteCount());
  }
}
