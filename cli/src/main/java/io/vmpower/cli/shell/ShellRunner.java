package io.vmpower.cli.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jline.reader.Completer;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.SyntaxError;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;

/**
 * Runs a command shell over a picocli {@link CommandLine} whose subcommands are the shell's
 * commands; {@code help [COMMAND]} and {@code quit} are added.
 *
 * <ul>
 *   <li>{@link #runInteractive}: a JLine prompt with history and tab completion of commands and
 *       their arguments (picocli {@code completionCandidates} are asked at each completion, so they
 *       may change while the shell runs). Ctrl-D quits, Ctrl-C clears the line.
 *   <li>{@link #runLines} and {@link #runScript}: one command per line, without a prompt; blank
 *       lines and lines starting with {@code #} are skipped; the end of input quits. The result is
 *       0 when every command succeeded, else 1.
 * </ul>
 *
 * A command fails when it throws or returns a non-zero exit code; a failure prints one line (a
 * mistyped command also its synopsis), never a stack trace. Words are taken as typed: {@code @FILE}
 * is not expanded to the file's content.
 */
public final class ShellRunner {
  /** Exit status when every command succeeded. */
  public static final int OK = 0;

  /** Exit status when a command failed. */
  public static final int COMMAND_FAILED = 1;

  /** Exit status when the script could not be read. */
  public static final int NO_SCRIPT = 2;

  private final CommandLine commands;
  private final String prompt;
  private final DefaultParser parser = new DefaultParser();
  private volatile boolean quit;
  private volatile Gate gate = IntSupplierGate.DIRECT;
  // the writers of the current run (null: the command line's own)
  private volatile PrintWriter runOut;
  private volatile PrintWriter runErr;

  private enum IntSupplierGate implements Gate {
    DIRECT;

    @Override
    public int run(java.util.function.IntSupplier command) {
      return command.getAsInt();
    }
  }

  /**
   * @param commands the shell's commands (its subcommands); {@code help} and {@code quit} are
   *     added, and its error handlers replaced by the shell's
   * @param prompt shown before each interactive command, e.g. {@code vm_power(guest)> }
   */
  private volatile Terminal terminal;

  public ShellRunner(CommandLine commands, String prompt) {
    this.commands = Objects.requireNonNull(commands);
    this.prompt = Objects.requireNonNull(prompt);
    ShellBuiltins.install(commands, () -> quit = true);
    // a word such as @name is a word: picocli would otherwise replace it by the file's content
    commands.setExpandAtFiles(false);
    ShellErrors errors = new ShellErrors();
    commands.setParameterExceptionHandler(errors);
    commands.setExecutionExceptionHandler(errors);
  }

  /** Whether a {@code quit} command was run. */
  /** The terminal of the interactive prompt, or null when the shell reads a script or lines. */
  public Terminal terminal() {
    return terminal;
  }

  public boolean quitRequested() {
    return quit;
  }

  /** Whether this process has a real terminal on its standard input and output. */
  public static boolean terminalAttached() {
    return System.console() != null;
  }

  /**
   * Runs {@code script} when it is not null; else an interactive session on the system terminal
   * when {@code interactive}; else the commands read from {@code in}.
   *
   * @param historyFile where interactive history is kept; null for none
   */
  public int run(
      Path script,
      boolean interactive,
      Path historyFile,
      InputStream in,
      PrintStream out,
      PrintStream err)
      throws IOException {
    Charset cs = Charset.defaultCharset();
    PrintWriter o = new PrintWriter(out, true, cs);
    PrintWriter e = new PrintWriter(err, true, cs);
    if (script != null) {
      return runScript(script, o, e);
    }
    if (interactive) {
      try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
        return runInteractive(terminal, historyFile);
      }
    }
    return runLines(new InputStreamReader(in, cs), o, e);
  }

  /** Runs the commands of {@code script}, then quits. */
  public int runScript(Path script, PrintWriter out, PrintWriter err) {
    List<String> lines;
    try {
      lines = Files.readAllLines(script, StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println("Error: cannot read script " + script + ": " + ShellErrors.describe(e));
      err.flush();
      return NO_SCRIPT;
    }
    use(out, err);
    boolean failed = false;
    for (String line : lines) {
      if (quit) {
        break;
      }
      failed |= execute(line) != 0;
    }
    return failed ? COMMAND_FAILED : OK;
  }

  /** Runs the commands read from {@code in} line by line until its end or {@code quit}. */
  public int runLines(Reader in, PrintWriter out, PrintWriter err) throws IOException {
    use(out, err);
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    return ShellLoop.lines(lines, loopLines());
  }

  /**
   * Prompts for commands on {@code terminal} until {@code quit} or end of input (Ctrl-D).
   *
   * @param historyFile where history is kept between sessions; null for none
   * @return 0
   */
  public int runInteractive(Terminal terminal, Path historyFile) {
    this.terminal = terminal;
    return ShellLoop.interactive(
        terminal,
        commands.getCommandName(),
        prompt,
        completer(),
        historyFile,
        w -> use(w, w),
        loopLines());
  }

  private ShellLoop.Lines loopLines() {
    return new ShellLoop.Lines() {
      @Override
      public int execute(String line) {
        return ShellRunner.this.execute(line);
      }

      @Override
      public boolean quitRequested() {
        return quit;
      }
    };
  }

  /** Completes command names and their arguments from the picocli model. */
  public Completer completer() {
    return new ShellCompleter(commands);
  }

  /**
   * Where commands run. By default on the caller's thread; a host that also takes commands from
   * elsewhere (its control socket) runs every command, one at a time, on one thread of its own.
   */
  @FunctionalInterface
  public interface Gate {
    /** Runs {@code command} where this gate's commands run and returns its exit code. */
    int run(java.util.function.IntSupplier command);
  }

  /** Runs every command of this shell through {@code gate} from now on. */
  public void setGate(Gate gate) {
    this.gate = Objects.requireNonNull(gate);
  }

  /**
   * Runs one command line; returns its exit code (0 for a blank line or a comment). Output goes to
   * the writers of the current run. Runs through the {@link Gate}.
   */
  public int execute(String line) {
    if (ShellLoop.skipped(line)) {
      return OK;
    }
    return gate.run(
        () -> {
          PrintWriter o = runOut;
          PrintWriter e = runErr;
          return o == null ? executeNow(line) : executeTo(line, o, e);
        });
  }

  /**
   * Runs one command line now, on the caller's thread, with its output to {@code out} and {@code
   * err}; the writers of the current run are put back after. Callers must not run commands
   * concurrently (a host calls it on its {@link Gate}'s thread).
   */
  public int executeTo(String line, PrintWriter out, PrintWriter err) {
    PrintWriter oldOut = commands.getOut();
    PrintWriter oldErr = commands.getErr();
    commands.setOut(out);
    commands.setErr(err);
    try {
      return executeNow(line);
    } finally {
      commands.setOut(oldOut);
      commands.setErr(oldErr);
    }
  }

  /**
   * Whether {@code word} names one of this shell's commands ({@code help} and {@code quit} too).
   */
  public boolean hasCommand(String word) {
    return commands.getSubcommands().containsKey(word);
  }

  /** The words of {@code line} as the shell splits them; empty for a blank line or a comment. */
  public List<String> words(String line) throws SyntaxError {
    if (ShellLoop.skipped(line)) {
      return List.of();
    }
    return parser.parse(line, line.length(), ParseContext.ACCEPT_LINE).words().stream()
        .filter(w -> !w.isEmpty())
        .toList();
  }

  private int executeNow(String line) {
    List<String> words;
    try {
      words = words(line);
    } catch (SyntaxError e) {
      return report("cannot read the command line: " + ShellErrors.describe(e));
    }
    if (words.isEmpty()) {
      return OK;
    }
    if (!commands.getSubcommands().containsKey(words.get(0))) {
      return report("unknown command '" + words.get(0) + "': type 'help' to list the commands");
    }
    int code = commands.execute(words.toArray(String[]::new));
    commands.getOut().flush();
    commands.getErr().flush();
    return code;
  }

  private int report(String message) {
    PrintWriter err = commands.getErr();
    err.println("Error: " + message);
    err.flush();
    return ShellErrors.USAGE;
  }

  private void use(PrintWriter out, PrintWriter err) {
    runOut = out;
    runErr = err;
  }
}
