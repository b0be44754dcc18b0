package io.vmpower.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmpower.core.host.CommandException;
import io.vmpower.core.host.PolicyCommands;
import io.vmpower.core.policy.PolicySource;
import io.vmpower.core.policy.VmPolicy;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.power.ScaleOutcome;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * DPDK's JSON instructions, as its host reads them from its per-core FIFOs, taken on vmpower's
 * control socket with the VM named beside them:
 *
 * <pre>
 * {"vm": "vm1", "policy":      {"command": "create", "policy_type": "TIME", "busy_hours": [17, 18]}}
 * {"vm": "vm1", "policy":      {"command": "destroy"}}
 * {"vm": "vm1", "instruction": {"command": "power", "unit": "SCALE_MAX", "resource_id": 0}}
 * </pre>
 *
 * Inside {@code policy} or {@code instruction}, the keys DPDK's code parses ({@code command},
 * {@code policy_type}, {@code workload}, {@code busy_hours}, {@code quiet_hours}, {@code mac_list},
 * {@code avg_packet_thresh}, {@code max_packet_thresh}, {@code unit}) and those its guide documents
 * but its code ignores ({@code name}, {@code core_list}, {@code resource_id}); values of {@code
 * command}, {@code policy_type}, {@code workload} and {@code unit} in either case (the guide writes
 * {@code CREATE}, the code wants {@code create}). As DPDK: {@code policy_type} defaults to TIME.
 * Unlike DPDK, an unknown key, a wrong type, a duplicate key or a value out of range is refused
 * with a message naming it (DPDK logs unknown keys and goes on). A created policy is the
 * operator's, with the vocabulary of {@code set_policy}.
 */
public final class DpdkJson {
  private DpdkJson() {}

  /** The largest request accepted, in characters (DPDK's own buffer is 1024 bytes). */
  public static final int MAX_LENGTH = 64 * 1024;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final Set<String> ENVELOPE = Set.of("id", "vm", "policy", "instruction");
  private static final Set<String> KEYS =
      Set.of(
          "command",
          "policy_type",
          "workload",
          "busy_hours",
          "quiet_hours",
          "mac_list",
          "avg_packet_thresh",
          "max_packet_thresh",
          "unit",
          "name",
          "core_list",
          "resource_id");

  /** What a JSON request asks for. */
  public sealed interface Request {
    String vm();

    /** Create (or replace) the VM's policy: {@code set_policy VM KIND PARAMS}. */
    record CreatePolicy(String vm, String kind, Map<String, String> params) implements Request {}

    /** Remove the VM's policy: {@code rm_policy VM}. */
    record DestroyPolicy(String vm) implements Request {}

    /** Scale a vCPU of the VM, as its guest would ({@code power} with a {@code unit}). */
    record Power(String vm, int vcpu, ScaleOp op) implements Request {}
  }

  /** What a request did, for the control socket's reply. */
  public record Result(boolean ok, String message) {}

  /**
   * Parses one request.
   *
   * @throws IllegalArgumentException naming what was wrong and what is accepted
   */
  public static Request parse(String json) {
    if (json == null || json.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a JSON instruction of at most " + MAX_LENGTH + " characters is expected");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "expected an object like {\"vm\": \"vm1\", \"policy\": {...}}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!ENVELOPE.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '" + key + "': use vm and one of policy or instruction (and an id)");
      }
    }
    boolean policy = root.has("policy");
    if (policy == root.has("instruction")) {
      throw new IllegalArgumentException("give exactly one of policy or instruction");
    }
    JsonNode body = root.get(policy ? "policy" : "instruction");
    if (!body.isObject()) {
      throw new IllegalArgumentException(
          (policy ? "policy" : "instruction") + " must be an object");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '" + key + "': DPDK's keys are " + String.join(", ", sorted(KEYS)));
      }
    }
    String vm = vm(root, body);
    String command = word(body, "command", null);
    if (command == null) {
      throw new IllegalArgumentException("command is required: create, destroy or power");
    }
    return switch (command) {
      case "create" -> create(vm, body);
      case "destroy" -> new Request.DestroyPolicy(vm);
      case "power" -> power(vm, body);
      default ->
          throw new IllegalArgumentException(
              "command '" + body.get("command").asText() + "': use create, destroy or power");
    };
  }

  /** Carries a request out through the operator's typed operations. */
  public static Result execute(Request request, PolicyCommands policies) {
    try {
      if (request instanceof Request.CreatePolicy c) {
        VmPolicy rule = policies.install(c.vm(), c.kind(), c.params(), PolicySource.OPERATOR);
        return new Result(
            true,
            "VM '" + c.vm() + "': policy set: " + io.vmpower.core.policy.PolicyText.rule(rule));
      }
      if (request instanceof Request.DestroyPolicy d) {
        VmPolicy removed = policies.rmPolicy(d.vm());
        return new Result(
            true, "VM '" + d.vm() + "': " + removed.policy().kind().word() + " policy removed");
      }
      Request.Power p = (Request.Power) request;
      ScaleOutcome outcome = policies.power(p.vm(), p.vcpu(), p.op());
      return new Result(
          outcome != ScaleOutcome.FAILED,
          "VM '"
              + p.vm()
              + "' vCPU "
              + p.vcpu()
              + ": "
              + p.op().keyword()
              + " "
              + outcome.name().toLowerCase(Locale.ROOT));
    } catch (CommandException e) {
      return new Result(false, e.getMessage());
    }
  }

  private static String vm(JsonNode root, JsonNode body) {
    String vm = text(root, "vm");
    String name = text(body, "name");
    if (vm == null && name == null) {
      throw new IllegalArgumentException("name the VM: \"vm\": \"NAME\"");
    }
    if (vm != null && name != null && !vm.equals(name)) {
      throw new IllegalArgumentException(
          "vm '" + vm + "' and name '" + name + "' disagree: give one, or the same");
    }
    return vm != null ? vm : name;
  }

  private static Request create(String vm, JsonNode body) {
    String type = word(body, "policy_type", "time");
    Map<String, String> params = new LinkedHashMap<>();
    String kind =
        switch (type) {
          case "time" -> "time";
          case "traffic" -> "traffic";
          case "workload" -> "workload";
          case "branch_ratio" -> "branch_ratio";
          default ->
              throw new IllegalArgumentException(
                  "policy_type '"
                      + body.get("policy_type").asText()
                      + "': use TIME, TRAFFIC, WORKLOAD or BRANCH_RATIO");
        };
    if (body.has("core_list")) {
      params.put("vcpus", join(integers(body, "core_list", 0, 4095)));
    }
    switch (kind) {
      case "time" -> {
        if (body.has("busy_hours")) {
          params.put("busy", join(integers(body, "busy_hours", 0, 23)));
        }
        if (body.has("quiet_hours")) {
          params.put("quiet", join(integers(body, "quiet_hours", 0, 23)));
        }
        only(body, kind, "busy_hours", "quiet_hours");
      }
      case "traffic" -> {
        if (!body.has("mac_list")) {
          throw new IllegalArgumentException("a TRAFFIC policy needs mac_list");
        }
        JsonNode macs = body.get("mac_list");
        if (!macs.isArray() || macs.isEmpty()) {
          throw new IllegalArgumentException("mac_list must be a list of MAC strings");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode m : macs) {
          if (!m.isTextual()) {
            throw new IllegalArgumentException("mac_list must be a list of MAC strings");
          }
          list.add(m.asText());
        }
        params.put("macs", String.join(",", list));
        if (!body.has("max_packet_thresh")) {
          throw new IllegalArgumentException("a TRAFFIC policy needs max_packet_thresh");
        }
        params.put("max", Long.toString(integer(body, "max_packet_thresh", 1, 0xFFFF_FFFFL)));
        if (body.has("avg_packet_thresh")) {
          params.put("avg", Long.toString(integer(body, "avg_packet_thresh", 0, 0xFFFF_FFFFL)));
        }
        only(body, kind, "mac_list", "avg_packet_thresh", "max_packet_thresh");
      }
      case "workload" -> {
        String level = word(body, "workload", "low"); // DPDK's default
        params.put(
            "level",
            switch (level) {
              case "high", "medium", "low" -> level;
              default ->
                  throw new IllegalArgumentException(
                      "workload '" + body.get("workload").asText() + "': use HIGH, MEDIUM or LOW");
            });
        only(body, kind, "workload");
      }
      default -> only(body, kind);
    }
    if (body.has("unit") || body.has("resource_id")) {
      throw new IllegalArgumentException("unit and resource_id are for a power instruction");
    }
    return new Request.CreatePolicy(vm, kind, params);
  }

  /** Refuses the policy keys that {@code kind} does not use. */
  private static void only(JsonNode body, String kind, String... allowed) {
    List<String> ok = List.of(allowed);
    for (String key :
        List.of(
            "workload",
            "busy_hours",
            "quiet_hours",
            "mac_list",
            "avg_packet_thresh",
            "max_packet_thresh")) {
      if (body.has(key) && !ok.contains(key)) {
        throw new IllegalArgumentException(
            key + " is not a parameter of a " + kind.toUpperCase(Locale.ROOT) + " policy");
      }
    }
  }

  private static Request power(String vm, JsonNode body) {
    String unit = word(body, "unit", null);
    if (unit == null) {
      throw new IllegalArgumentException("a power instruction needs unit, e.g. SCALE_MAX");
    }
    ScaleOp op =
        switch (unit) {
          case "scale_up" -> ScaleOp.UP;
          case "scale_down" -> ScaleOp.DOWN;
          case "scale_max" -> ScaleOp.MAX;
          case "scale_min" -> ScaleOp.MIN;
          case "enable_turbo" -> ScaleOp.ENABLE_TURBO;
          case "disable_turbo" -> ScaleOp.DISABLE_TURBO;
          default ->
              throw new IllegalArgumentException(
                  "unit '"
                      + body.get("unit").asText()
                      + "': use SCALE_UP, SCALE_DOWN, SCALE_MAX, SCALE_MIN, ENABLE_TURBO or"
                      + " DISABLE_TURBO");
        };
    int vcpu;
    if (body.has("resource_id")) {
      vcpu = (int) integer(body, "resource_id", 0, 4095);
    } else if (body.has("core_list")) {
      List<Long> cores = integers(body, "core_list", 0, 4095);
      if (cores.size() != 1) {
        throw new IllegalArgumentException("a power instruction scales one vCPU: core_list [N]");
      }
      vcpu = (int) (long) cores.get(0);
    } else {
      throw new IllegalArgumentException("a power instruction needs resource_id: the vCPU");
    }
    for (String key : List.of("policy_type", "workload", "busy_hours", "quiet_hours", "mac_list")) {
      if (body.has(key)) {
        throw new IllegalArgumentException(key + " is for a policy, not a power instruction");
      }
    }
    return new Request.Power(vm, vcpu, op);
  }

  // ---- values

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null) {
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(key + " must be a non-empty string");
    }
    return v.asText();
  }

  /** A keyword in lower case, or {@code dflt} when absent. */
  private static String word(JsonNode node, String key, String dflt) {
    String t = text(node, key);
    return t == null ? dflt : t.toLowerCase(Locale.ROOT);
  }

  private static long integer(JsonNode node, String key, long min, long max) {
    JsonNode v = node.get(key);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(key + " must be a whole number " + min + "-" + max);
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          key + " " + n + " is out of range: use " + min + "-" + max);
    }
    return n;
  }

  private static List<Long> integers(JsonNode node, String key, long min, long max) {
    JsonNode v = node.get(key);
    if (!v.isArray() || v.isEmpty()) {
      throw new IllegalArgumentException(key + " must be a non-empty list of numbers");
    }
    List<Long> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isIntegralNumber() || !e.canConvertToLong() || e.asLong() < min || e.asLong() > max) {
        throw new IllegalArgumentException(
            key + " has " + e + ": use whole numbers " + min + "-" + max);
      }
      out.add(e.asLong());
    }
    return out;
  }

  private static String join(List<Long> values) {
    List<String> s = new ArrayList<>();
    values.forEach(v -> s.add(Long.toString(v)));
    return String.join(",", s);
  }

  private static List<String> sorted(Set<String> set) {
    List<String> out = new ArrayList<>(set);
    out.sort(null);
    return out;
  }
}
