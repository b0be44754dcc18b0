package io.vmpower.cli.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * The loops of a shell, whatever runs its lines: a JLine prompt (history, completion, Ctrl-C clears
 * the line, Ctrl-D quits) or lines read one by one. {@link ShellRunner} runs its picocli commands
 * with them; a remote shell sends each line to a host.
 */
public final class ShellLoop {
  private ShellLoop() {}

  /** What a loop runs each line with. */
  public interface Lines {
    /** Runs one line; returns its exit code (0 when it succeeded). */
    int execute(String line);

    /** Whether the shell should stop (a {@code quit} was run). */
    boolean quitRequested();
  }

  /**
   * Prompts on {@code terminal} until quit or end of input; returns 0.
   *
   * @param historyFile where history is kept between sessions; null for none
   * @param out set to the terminal's writer before the first line
   */
  public static int interactive(
      Terminal terminal,
      String appName,
      String prompt,
      Completer completer,
      Path historyFile,
      java.util.function.Consumer<PrintWriter> out,
      Lines lines) {
    LineReaderBuilder builder =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName(appName)
            .completer(completer)
            .parser(new DefaultParser());
    if (historyFile != null) {
      builder.variable(LineReader.HISTORY_FILE, historyFile);
    }
    LineReader reader = builder.build();
    PrintWriter w = terminal.writer();
    out.accept(w);
    try {
      while (!lines.quitRequested()) {
        String line;
        try {
          line = reader.readLine(prompt);
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        lines.execute(line);
        w.flush();
      }
    } finally {
      try {
        reader.getHistory().save();
      } catch (IOException e) {
        w.println("Warning: history not saved: " + ShellErrors.describe(e));
        w.flush();
      }
    }
    return ShellRunner.OK;
  }

  /**
   * Runs the lines read from {@code in} until its end or quit; 0 when every line succeeded, else 1.
   */
  public static int lines(BufferedReader in, Lines lines) throws IOException {
    boolean failed = false;
    String line;
    while (!lines.quitRequested() && (line = in.readLine()) != null) {
      failed |= lines.execute(line) != 0;
    }
    return failed ? ShellRunner.COMMAND_FAILED : ShellRunner.OK;
  }

  /** Whether {@code line} is blank or a {@code #} comment, which a shell skips. */
  public static boolean skipped(String line) {
    String trimmed = line.strip();
    return trimmed.isEmpty() || trimmed.startsWith("#");
  }
}
