package io.vmpower.cli.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vmpower.cli.shell.ShellLoop;
import io.vmpower.cli.shell.ShellRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.terminal.Terminal;

/**
 * {@code vm-power-mgr --connect}: the {@code vm_power>} shell against a running host, over its
 * control socket. Each line is run by the host; what it printed is printed here, output to standard
 * output and errors to standard error, so the session reads as at the host's own prompt. TAB asks
 * the host for candidates; history is kept here. {@code quit} leaves this shell (the host keeps
 * running). With {@code --json}, a {@code show_*} command prints its view as one line of JSON.
 */
public final class RemoteShell {
  /** Exit status when the host could not be reached or was lost. */
  public static final int UNREACHABLE = 2;

  private final ControlClient client;
  private final boolean json;
  private PrintWriter out;
  private PrintWriter err;
  private boolean quit;
  private boolean lost;

  public RemoteShell(ControlClient client, boolean json, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.json = json;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code commands} in order (stopping at {@code quit}); 0 when all succeeded, else 1. */
  public int runCommands(List<String> commands) {
    boolean failed = false;
    for (String c : commands) {
      if (quit || lost) {
        break;
      }
      failed |= execute(c) != 0;
    }
    return lost ? UNREACHABLE : failed ? ShellRunner.COMMAND_FAILED : ShellRunner.OK;
  }

  /** Runs the lines of {@code in} as the script mode does; 0 when all succeeded, else 1. */
  public int runLines(BufferedReader in) throws IOException {
    int code = ShellLoop.lines(in, lines());
    return lost ? UNREACHABLE : code;
  }

  /** The interactive shell on {@code terminal}. */
  public int runInteractive(Terminal terminal, Path history, String prompt) {
    ShellLoop.interactive(
        terminal,
        "vm_power",
        prompt,
        completer(),
        history,
        w -> {
          out = w;
          err = w;
        },
        lines());
    return lost ? UNREACHABLE : ShellRunner.OK;
  }

  private ShellLoop.Lines lines() {
    return new ShellLoop.Lines() {
      @Override
      public int execute(String line) {
        return RemoteShell.this.execute(line);
      }

      @Override
      public boolean quitRequested() {
        return quit || lost;
      }
    };
  }

  /** Runs one line on the host and prints what it printed; returns its status. */
  public int execute(String line) {
    if (ShellLoop.skipped(line)) {
      return ShellRunner.OK;
    }
    if (line.strip().equals("quit") || line.strip().startsWith("quit ")) {
      quit = true;
      return ShellRunner.OK;
    }
    JsonNode reply;
    try {
      reply = client.command(line, json);
    } catch (IOException e) {
      err.println("Error: " + e.getMessage());
      err.flush();
      lost = true;
      return UNREACHABLE;
    }
    JsonNode result = reply.get("result");
    if (json && result != null && !result.isNull()) {
      try {
        out.println(ControlProtocol.JSON.writeValueAsString(result));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      reply.path("output").forEach(l -> out.println(l.asText()));
    }
    out.flush();
    reply.path("error").forEach(l -> err.println(l.asText()));
    err.flush();
    if (reply.path("closed").asBoolean(false) && reply.has("reason")) {
      lost = true;
    }
    return reply.path("status").asInt(ShellRunner.COMMAND_FAILED);
  }

  /** TAB: the host's candidates for the line typed so far. */
  Completer completer() {
    return (reader, line, candidates) -> {
      try {
        for (String c : client.complete(line.line(), line.cursor())) {
          candidates.add(new Candidate(c));
        }
      } catch (IOException e) {
        // no candidates when the host cannot be asked; the next command says why
      }
    };
  }
}
