package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.DpdkJson.Request;
import io.vmpower.core.power.ScaleOp;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DPDK's JSON instructions mapped to vmpower's policies and requests. */
class DpdkJsonTest {
  @Test
  void theGuidesTimeExampleBecomesATimePolicy() {
    Request r =
        DpdkJson.parse(
            """
            {"vm": "vm1", "policy": {
              "command": "create",
              "policy_type": "TIME",
              "busy_hours":[ 17, 18, 19, 20, 21, 22, 23 ],
              "quiet_hours":[ 2, 3, 4, 5, 6 ]
            }}""");
    assertEquals(
        new Request.CreatePolicy(
            "vm1", "time", Map.of("busy", "17,18,19,20,21,22,23", "quiet", "2,3,4,5,6")),
        r);
  }

  @Test
  void theGuidesOwnKeysAndUpperCaseCommandsAreTaken() {
    Request r =
        DpdkJson.parse(
            """
            {"policy": {"name": "ubuntu", "command": "CREATE", "policy_type": "WORKLOAD",
                        "workload": "MEDIUM", "core_list": [1, 0]}}""");
    assertEquals(
        new Request.CreatePolicy("ubuntu", "workload", Map.of("vcpus", "1,0", "level", "medium")),
        r);
    assertEquals(
        new Request.Power("vm1", 3, ScaleOp.MAX),
        DpdkJson.parse(
            "{\"vm\":\"vm1\",\"instruction\":{\"command\":\"power\",\"unit\":\"SCALE_MAX\","
                + "\"resource_id\":3}}"));
    assertEquals(
        new Request.DestroyPolicy("vm1"),
        DpdkJson.parse("{\"vm\":\"vm1\",\"policy\":{\"command\":\"destroy\"}}"));
  }

  @Test
  void trafficAndTheDefaultsOfDpdk() {
    assertEquals(
        new Request.CreatePolicy(
            "vm1",
            "traffic",
            Map.of(
                "macs", "de:ad:be:ef:01:01,de:ad:be:ef:01:02", "max", "500000", "avg", "100000")),
        DpdkJson.parse(
            """
            {"vm": "vm1", "policy": {"command": "create", "policy_type": "TRAFFIC",
              "mac_list": ["de:ad:be:ef:01:01", "de:ad:be:ef:01:02"],
              "avg_packet_thresh": 100000, "max_packet_thresh": 500000}}"""));
    assertEquals(
        new Request.CreatePolicy("vm1", "workload", Map.of("level", "low")),
        DpdkJson.parse(
            "{\"vm\":\"vm1\",\"policy\":{\"command\":\"create\",\"policy_type\":\"WORKLOAD\"}}"),
        "DPDK's workload default is LOW");
    assertEquals(
        new Request.CreatePolicy("vm1", "time", Map.of("busy", "9")),
        DpdkJson.parse("{\"vm\":\"vm1\",\"policy\":{\"command\":\"create\",\"busy_hours\":[9]}}"),
        "DPDK's policy_type default is TIME");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|not JSON",
        "[1]|expected an object",
        "{\"vm\":\"v\"}|give exactly one of policy or instruction",
        "{\"vm\":\"v\",\"policy\":{},\"instruction\":{}}|give exactly one",
        "{\"vm\":\"v\",\"extra\":1,\"policy\":{}}|unknown key 'extra'",
        "{\"policy\":{\"command\":\"create\"}}|name the VM",
        "{\"vm\":\"a\",\"policy\":{\"name\":\"b\",\"command\":\"create\"}}|disagree",
        "{\"vm\":\"v\",\"policy\":{\"commnd\":\"create\"}}|unknown key 'commnd'",
        "{\"vm\":\"v\",\"policy\":{}}|command is required",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"make\"}}|command 'make'",
        "{\"vm\":\"v\",\"policy\":{\"command\":5}}|command must be a non-empty string",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"create\",\"policy_type\":\"NAP\"}}|policy_type 'NAP'",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"create\",\"busy_hours\":[25]}}|busy_hours has 25",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"create\",\"busy_hours\":\"9\"}}|busy_hours must be a non-empty list",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"create\",\"policy_type\":\"TRAFFIC\"}}|needs mac_list",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"create\",\"policy_type\":\"TRAFFIC\",\"mac_list\":[\"x\"]}}|needs max_packet_thresh",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"create\",\"workload\":\"HIGH\"}}|workload is not a parameter of a TIME policy",
        "{\"vm\":\"v\",\"policy\":{\"command\":\"create\",\"policy_type\":\"WORKLOAD\",\"workload\":\"HUGE\"}}|workload 'HUGE'",
        "{\"vm\":\"v\",\"instruction\":{\"command\":\"power\"}}|needs unit",
        "{\"vm\":\"v\",\"instruction\":{\"command\":\"power\",\"unit\":\"SCALE_SIDEWAYS\",\"resource_id\":0}}|unit 'SCALE_SIDEWAYS'",
        "{\"vm\":\"v\",\"instruction\":{\"command\":\"power\",\"unit\":\"SCALE_UP\"}}|needs resource_id",
        "{\"vm\":\"v\",\"instruction\":{\"command\":\"power\",\"unit\":\"SCALE_UP\",\"resource_id\":-1}}|resource_id -1 is out of range",
        "{\"vm\":\"v\",\"instruction\":{\"command\":\"power\",\"unit\":\"SCALE_UP\",\"resource_id\":1.5}}|resource_id must be a whole number",
        "{\"vm\":\"v\",\"vm\":\"w\",\"policy\":{}}|not JSON",
      })
  void anythingElseIsRefusedNamingWhatWasWrong(String json, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DpdkJson.parse(json));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void anOversizedRequestIsRefusedBeforeParsing() {
    String big = "{\"vm\":\"" + "x".repeat(DpdkJson.MAX_LENGTH) + "\"}";
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DpdkJson.parse(big))
            .getMessage()
            .contains("at most"));
  }
}
