package io.vmpower.cli.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmpower.cli.ViewJson;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The control socket's line-delimited JSON (docs/control-protocol.md): one JSON object per line in
 * each direction. The host greets each client it serves; then each request gets one reply with the
 * request's {@code id}.
 */
public final class ControlProtocol {
  /** The protocol's version, in the greeting. */
  public static final int VERSION = 1;

  static final ObjectMapper JSON = JsonMapper.builder().build();

  private static final Set<String> FIELDS = Set.of("id", "command", "format", "complete", "cursor");

  /** Why a reply is not a command's: a stable word for programs. */
  public enum Reason {
    /** The peer's credentials do not allow it in. */
    FORBIDDEN,
    /** As many clients as allowed are being served. */
    BUSY,
    /** The client sent no complete request within the idle timeout. */
    IDLE,
    /** A request line went past the bound. */
    LINE_TOO_LONG,
    /** The reply went past the bound. */
    OUTPUT_TOO_LARGE,
    /** Not a valid request (the connection stays open). */
    BAD_REQUEST,
    /** The host is stopping. */
    SHUTTING_DOWN;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private ControlProtocol() {}

  /**
   * A valid request: a command to run, a line to complete, or a JSON instruction (DPDK's, with the
   * VM named beside it: the whole request line, for {@link ControlServer.Instructions}).
   */
  public record Request(
      JsonNode id, String command, boolean json, String complete, int cursor, String instruction) {
    public boolean isCompletion() {
      return complete != null;
    }

    public boolean isInstruction() {
      return instruction != null;
    }
  }

  /** A request that cannot be served, with the reason for the client. */
  public static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient JsonNode id;

    BadRequest(JsonNode id, String message) {
      super(message);
      this.id = id;
    }

    JsonNode id() {
      return id;
    }
  }

  /** Reads one request line strictly: an object with known fields of the right types. */
  public static Request parse(String line) throws BadRequest {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BadRequest(
          NullNode.instance,
          "request is not valid JSON ("
              + e.getOriginalMessage()
              + "): send one JSON object per line");
    }
    if (node == null || !node.isObject()) {
      throw new BadRequest(
          NullNode.instance,
          "request must be a JSON object such as {\"id\":1,\"command\":\"show_vms\"}");
    }
    JsonNode id = node.has("id") ? node.get("id") : NullNode.instance;
    if (!(id.isNull() || id.isIntegralNumber() || id.isTextual())) {
      throw new BadRequest(NullNode.instance, "'id' must be a number, a string or null");
    }
    if (node.has("policy") || node.has("instruction")) {
      // DPDK's JSON: its envelope and keys are checked by the instructions' reader
      return new Request(id, null, false, null, 0, line);
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequest(
            id,
            "unknown field '"
                + name
                + "': a request has id, command and format, or id, complete and cursor,"
                + " or id, vm and policy or instruction");
      }
    }
    JsonNode command = node.get("command");
    JsonNode complete = node.get("complete");
    if ((command == null) == (complete == null)) {
      throw new BadRequest(id, "a request has exactly one of 'command' and 'complete'");
    }
    boolean json = false;
    JsonNode format = node.get("format");
    if (format != null) {
      if (!format.isTextual()
          || !(format.asText().equals("text") || format.asText().equals("json"))) {
        throw new BadRequest(id, "'format' must be \"text\" or \"json\"");
      }
      json = format.asText().equals("json");
    }
    if (command != null) {
      if (!command.isTextual()) {
        throw new BadRequest(id, "'command' must be a string, e.g. \"show_vm vm1\"");
      }
      if (node.has("cursor")) {
        throw new BadRequest(id, "'cursor' goes with 'complete', not 'command'");
      }
      if (command.asText().indexOf('\n') >= 0 || command.asText().indexOf('\r') >= 0) {
        throw new BadRequest(id, "'command' is one line: no line breaks");
      }
      return new Request(id, command.asText(), json, null, 0, null);
    }
    if (!complete.isTextual()) {
      throw new BadRequest(id, "'complete' must be a string: the line typed so far");
    }
    String text = complete.asText();
    int cursor = text.length();
    JsonNode c = node.get("cursor");
    if (c != null) {
      if (!c.isIntegralNumber() || c.asLong() < 0 || c.asLong() > text.length()) {
        throw new BadRequest(
            id, "'cursor' must be a position in 'complete', 0 to " + text.length());
      }
      cursor = c.asInt();
    }
    return new Request(id, null, false, text, cursor, null);
  }

  /** {@code {"vmpower":VERSION,"protocol":1,"schema":1,"prompt":"vm_power> "}}. */
  static ObjectNode greeting(String version, String prompt) {
    ObjectNode g = JSON.createObjectNode();
    g.put("vmpower", version);
    g.put("protocol", VERSION);
    g.put("schema", ViewJson.SCHEMA);
    g.put("prompt", prompt);
    return g;
  }

  /** A command's reply; {@code result} only in JSON format (null when it showed no view). */
  static ObjectNode reply(JsonNode id, CommandExecutor.Outcome o, boolean json) {
    ObjectNode r = JSON.createObjectNode();
    r.set("id", id);
    r.put("status", o.status());
    r.set("output", lines(o.output()));
    r.set("error", lines(o.error()));
    if (json) {
      r.set("result", o.result() == null ? NullNode.instance : o.result());
    }
    return r;
  }

  /** A completion's reply. */
  static ObjectNode candidates(JsonNode id, List<String> candidates) {
    ObjectNode r = JSON.createObjectNode();
    r.set("id", id);
    r.put("status", 0);
    r.set("candidates", lines(candidates));
    return r;
  }

  /** A refusal or failure of the server's own (not a command's), status 2. */
  static ObjectNode error(JsonNode id, Reason reason, String message, boolean closing) {
    ObjectNode r = JSON.createObjectNode();
    r.set("id", id == null ? NullNode.instance : id);
    r.put("status", 2);
    r.set("output", JSON.createArrayNode());
    r.set("error", lines(List.of("Error: " + message)));
    r.put("reason", reason.word());
    if (closing) {
      r.put("closed", true);
    }
    return r;
  }

  /**
   * The reply to {@code quit}: the host closes this client's connection (the host keeps running).
   */
  static ObjectNode bye(JsonNode id) {
    ObjectNode r = JSON.createObjectNode();
    r.set("id", id);
    r.put("status", 0);
    r.set("output", JSON.createArrayNode());
    r.set("error", JSON.createArrayNode());
    r.put("closed", true);
    return r;
  }

  private static ArrayNode lines(List<String> lines) {
    ArrayNode a = JSON.createArrayNode();
    lines.forEach(a::add);
    return a;
  }

  /** The bytes of one line: the JSON and a newline. */
  static byte[] encode(JsonNode node) {
    try {
      return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
