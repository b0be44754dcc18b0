package io.vmpower.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/**
 * How the {@code show_*} commands print their view: as the text of the prompt, as one line of JSON
 * ({@code --json}), or kept as a JSON result for a control client that asked for {@code "format":
 * "json"}. Commands run one at a time (on the host's command thread), so the mode is set for the
 * command about to run and the result taken after it.
 */
@Singleton
public final class ViewOutput {
  /** How a view is given. */
  public enum Mode {
    /** The text lines the prompt prints. */
    TEXT,
    /** One line of JSON, printed. */
    JSON_LINE,
    /** Kept as {@link #takeResult()} for a control client; nothing printed. */
    JSON_RESULT
  }

  private Mode mode = Mode.TEXT;
  private ObjectNode result;

  /** The mode for the next command; forgets any result not taken. */
  public synchronized void mode(Mode m) {
    this.mode = m;
    this.result = null;
  }

  public synchronized Mode mode() {
    return mode;
  }

  /** The JSON document of the last view shown in {@link Mode#JSON_RESULT}, or null; once. */
  public synchronized ObjectNode takeResult() {
    ObjectNode r = result;
    result = null;
    return r;
  }

  /**
   * Shows {@code view}: in text, the lines {@code text} makes of it; in JSON, the document {@code
   * {"schema":1,"KEY":VIEW}} ({@link ViewJson}).
   */
  public synchronized <T> void show(
      PrintWriter out, String key, T view, Function<? super T, List<String>> text) {
    switch (mode) {
      case TEXT -> text.apply(view).forEach(out::println);
      case JSON_LINE -> out.println(ViewJson.line(ViewJson.document(key, view)));
      case JSON_RESULT -> result = ViewJson.document(key, view);
    }
    out.flush();
  }
}
