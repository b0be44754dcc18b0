package io.vmpower.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A control client: connects to a host's control socket, reads its greeting, and sends requests one
 * at a time. When the host closed an idle connection, the next request connects again and is sent
 * again (the host had not read it, so it did not run).
 */
public final class ControlClient implements AutoCloseable {
  /** The host refused this client (credentials, too many clients, stopping). */
  public static final class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    RefusedException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private final ControlSocket sockets;
  private final Path path;
  private ControlConnection connection;
  private BufferedReader in;
  private OutputStream out;
  private JsonNode greeting;
  private long nextId = 1;

  public ControlClient(ControlSocket sockets, Path path) {
    this.sockets = sockets;
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /**
   * Connects and reads the greeting; fails with {@link io.vmpower.core.hal.ControlConnectException}
   * or {@link RefusedException}.
   */
  public JsonNode connect() throws IOException {
    close();
    ControlConnection c = sockets.connect(path);
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(c.input(), StandardCharsets.UTF_8));
      String first = r.readLine();
      if (first == null) {
        throw new IOException("the host at " + path + " closed the connection at once");
      }
      JsonNode g = ControlProtocol.JSON.readTree(first);
      if (g.has("reason")) {
        throw new RefusedException(g.get("reason").asText(), errorText(g));
      }
      if (!g.has("vmpower")) {
        throw new IOException(path + " does not speak the vmpower control protocol: " + first);
      }
      connection = c;
      in = r;
      out = c.output();
      greeting = g;
      return g;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The host's greeting, once connected. */
  public JsonNode greeting() {
    return greeting;
  }

  /** Runs {@code line} on the host; the reply as the protocol gives it. */
  public JsonNode command(String line, boolean json) throws IOException {
    ObjectNode r = ControlProtocol.JSON.createObjectNode();
    r.put("command", line);
    r.put("format", json ? "json" : "text");
    return request(r);
  }

  /** The host's completion candidates for {@code line} with the cursor at {@code cursor}. */
  public List<String> complete(String line, int cursor) throws IOException {
    ObjectNode r = ControlProtocol.JSON.createObjectNode();
    r.put("complete", line);
    r.put("cursor", cursor);
    JsonNode reply = request(r);
    List<String> out = new ArrayList<>();
    if (reply.has("candidates")) {
      reply.get("candidates").forEach(c -> out.add(c.asText()));
    }
    return out;
  }

  private JsonNode request(ObjectNode fields) throws IOException {
    ObjectNode request = ControlProtocol.JSON.createObjectNode();
    request.put("id", nextId++);
    request.setAll(fields);
    byte[] bytes = ControlProtocol.encode(request);
    for (int attempt = 0; ; attempt++) {
      if (connection == null) {
        connect();
      }
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // the host closed the connection before this request reached it
        dropConnection();
        if (attempt == 0) {
          continue;
        }
        throw new IOException("lost the connection to the host: " + e.getMessage(), e);
      }
      String line = in.readLine();
      if (line == null) {
        dropConnection();
        throw new IOException("the host closed the connection without a reply");
      }
      JsonNode reply = ControlProtocol.JSON.readTree(line);
      if (reply.path("closed").asBoolean(false)) {
        dropConnection();
        if (attempt == 0 && "idle".equals(reply.path("reason").asText())) {
          continue;
        }
      }
      return reply;
    }
  }

  private void dropConnection() {
    if (connection != null) {
      connection.close();
    }
    connection = null;
    in = null;
    out = null;
  }

  /** The error lines of a reply, joined. */
  static String errorText(JsonNode reply) {
    List<String> lines = new ArrayList<>();
    reply.path("error").forEach(l -> lines.add(l.asText()));
    String text = String.join("; ", lines);
    return text.startsWith("Error: ") ? text.substring("Error: ".length()) : text;
  }

  @Override
  public void close() {
    dropConnection();
  }
}
