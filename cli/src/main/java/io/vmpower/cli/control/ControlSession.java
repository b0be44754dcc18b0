package io.vmpower.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmpower.cli.control.ControlProtocol.Reason;
import io.vmpower.core.hal.ControlConnection;
import io.vmpower.core.hal.ControlPeer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.SyntaxError;
import org.jline.reader.impl.DefaultParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One served control client: its requests, one at a time, and their replies. */
final class ControlSession implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ControlSession.class);

  private final ControlServer server;
  private final ControlConnection connection;
  private final ControlPeer peer;
  private volatile boolean shuttingDown;

  ControlSession(ControlServer server, ControlConnection connection) {
    this.server = server;
    this.connection = connection;
    this.peer = connection.peer();
  }

  @Override
  public void run() {
    try {
      log.debug("control client {} connected", peer);
      send(ControlProtocol.greeting(server.version(), server.prompt()));
      serve();
    } catch (ControlServer.WriteTimeoutException e) {
      server.clientLog().warn("control client " + peer + " " + e.getMessage() + ": disconnected");
    } catch (IOException e) {
      if (!shuttingDown) {
        log.debug("control client {}: {}", peer, e.toString());
      }
    } catch (RuntimeException e) {
      log.error("control client {}: {}", peer, e.toString(), e);
    } finally {
      connection.close();
      server.ended(this);
      log.debug("control client {} disconnected", peer);
    }
  }

  private void serve() throws IOException {
    var settings = server.settings();
    BoundedLineReader reader = new BoundedLineReader(connection, settings.maxRequestBytes());
    while (server.isOpen()) {
      String line;
      try {
        line = reader.readLine(settings.idleTimeout().toMillis());
      } catch (BoundedLineReader.LineTooLongException e) {
        server
            .clientLog()
            .warn("control client " + peer + ": " + e.getMessage() + ": disconnected");
        sendClosing(
            Reason.LINE_TOO_LONG,
            "request line longer than "
                + settings.maxRequestBytes()
                + " bytes: refused, and the connection closed");
        return;
      } catch (SocketTimeoutException e) {
        if (shuttingDown || !server.isOpen()) {
          return;
        }
        log.debug("control client {} idle: disconnected", peer);
        sendClosing(
            Reason.IDLE,
            "no request for "
                + settings.idleTimeout().toSeconds()
                + " s: the connection is closed (connect again to go on)");
        return;
      }
      if (line == null) {
        return;
      }
      if (line.isBlank()) {
        continue;
      }
      if (!handle(line)) {
        return;
      }
    }
  }

  /** Serves one request line; false when the connection is to be closed. */
  private boolean handle(String line) throws IOException {
    ControlProtocol.Request request;
    try {
      request = ControlProtocol.parse(line);
    } catch (ControlProtocol.BadRequest e) {
      send(ControlProtocol.error(e.id(), Reason.BAD_REQUEST, e.getMessage(), false));
      return true;
    }
    if (request.isInstruction()) {
      return instruction(request);
    }
    if (request.isCompletion()) {
      send(
          ControlProtocol.candidates(request.id(), complete(request.complete(), request.cursor())));
      return true;
    }
    List<String> words;
    try {
      words = server.shell().words(request.command());
    } catch (SyntaxError e) {
      words = List.of();
    }
    if (!words.isEmpty() && words.get(0).equals("quit")) {
      send(ControlProtocol.bye(request.id()));
      return false;
    }
    CommandExecutor.Outcome outcome;
    try {
      outcome = server.executor().runCaptured(request.command(), request.json());
    } catch (Exception e) {
      send(
          ControlProtocol.error(
              request.id(), Reason.SHUTTING_DOWN, "the host is stopping: command not run", true));
      return false;
    }
    if (changesState(words)) {
      log.info(
          "control client uid={} pid={} ran '{}': status {}",
          id(peer.uid()),
          id(peer.pid()),
          request.command(),
          outcome.status());
    }
    ObjectNode reply = ControlProtocol.reply(request.id(), outcome, request.json());
    byte[] bytes = ControlProtocol.encode(reply);
    if (bytes.length > server.settings().maxOutputBytes()) {
      server
          .clientLog()
          .warn(
              "control client "
                  + peer
                  + ": reply of "
                  + bytes.length
                  + " bytes to '"
                  + request.command()
                  + "' over the bound of "
                  + server.settings().maxOutputBytes()
                  + ": disconnected");
      send(
          ControlProtocol.error(
              request.id(),
              Reason.OUTPUT_TOO_LARGE,
              "the reply ("
                  + bytes.length
                  + " bytes) is larger than the control socket sends ("
                  + server.settings().maxOutputBytes()
                  + " bytes); the command ran with status "
                  + outcome.status()
                  + "; the connection is closed",
              true));
      return false;
    }
    server.write(connection, bytes);
    return true;
  }

  /** Carries out a JSON instruction on the command thread; logged like a command that changes. */
  private boolean instruction(ControlProtocol.Request request) throws IOException {
    CommandExecutor.Outcome outcome;
    try {
      outcome = server.executor().call(() -> server.instructions().run(request.instruction()));
    } catch (Exception e) {
      send(
          ControlProtocol.error(
              request.id(),
              Reason.SHUTTING_DOWN,
              "the host is stopping: instruction not run",
              true));
      return false;
    }
    log.info(
        "control client uid={} pid={} sent instruction {}: status {}",
        id(peer.uid()),
        id(peer.pid()),
        shortened(request.instruction()),
        outcome.status());
    send(ControlProtocol.reply(request.id(), outcome, false));
    return true;
  }

  /** Every command but show_* and help may change something: logged with who ran it. */
  static boolean changesState(List<String> words) {
    if (words.isEmpty()) {
      return false;
    }
    String c = words.get(0);
    return !c.startsWith("show_") && !c.equals("help");
  }

  private List<String> complete(String line, int cursor) {
    try {
      return server
          .executor()
          .call(
              () -> {
                ParsedLine parsed = new DefaultParser().parse(line, cursor, ParseContext.COMPLETE);
                List<Candidate> found = new ArrayList<>();
                server.shell().completer().complete(null, parsed, found);
                TreeSet<String> values = new TreeSet<>();
                for (Candidate c : found) {
                  if (c.value().startsWith(parsed.word().substring(0, parsed.wordCursor()))) {
                    values.add(c.value());
                  }
                }
                return List.copyOf(values);
              });
    } catch (Exception e) {
      log.debug("completion of '{}' failed: {}", line, e.toString());
      return List.of();
    }
  }

  private void send(JsonNode reply) throws IOException {
    server.write(connection, ControlProtocol.encode(reply));
  }

  private void sendClosing(Reason reason, String message) {
    try {
      send(ControlProtocol.error(NullNode.instance, reason, message, true));
    } catch (IOException e) {
      log.debug("control client {} gone: {}", peer, e.toString());
    }
  }

  void closeForShutdown() {
    shuttingDown = true;
    connection.close();
  }

  private static String shortened(String line) {
    return line.length() <= 300
        ? line
        : line.substring(0, 300) + "... (" + line.length() + " chars)";
  }

  private static String id(long n) {
    return n >= 0 ? Long.toString(n) : "?";
  }
}
