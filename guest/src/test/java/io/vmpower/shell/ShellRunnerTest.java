package io.vmpower.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

class ShellRunnerTest {
  /** Names offered for {@code pick}: they change while the shell runs. */
  private final List<String> names = new ArrayList<>(List.of("alpha", "beta"));

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Command(name = "", description = "A shell for tests.")
  static final class Root {}

  @Command(name = "echo", description = "Prints its words.")
  static final class Echo implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "WORD", arity = "1..*")
    List<String> words;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(String.join(" ", words));
      return 0;
    }
  }

  @Command(name = "fail", description = "Returns exit code 3.")
  static final class Fail implements Callable<Integer> {
    @Override
    public Integer call() {
      return 3;
    }
  }

  @Command(name = "boom", description = "Throws.")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("it broke");
    }
  }

  @Command(name = "count", description = "Takes a number.")
  static final class Count implements Callable<Integer> {
    @Parameters(paramLabel = "N")
    int n;

    @Override
    public Integer call() {
      return 0;
    }
  }

  /** Offers the words of the name typed before: what a VM's channels are to its name. */
  private static final class WordsOf implements ContextualCandidates {
    @Override
    public Iterable<String> after(List<String> before) {
      return before.isEmpty() ? List.of() : List.of(before.get(0) + "-1", before.get(0) + "-2");
    }

    @Override
    public Iterator<String> iterator() {
      return List.of("any").iterator();
    }
  }

  private ShellRunner shell() {
    CommandLine root = new CommandLine(new Root());
    root.addSubcommand(new Echo());
    root.addSubcommand(new Fail());
    root.addSubcommand(new Boom());
    root.addSubcommand(new Count());
    CommandLine.Model.CommandSpec pick = CommandLine.Model.CommandSpec.create();
    pick.usageMessage().description("Picks a name.");
    pick.addPositional(
        CommandLine.Model.PositionalParamSpec.builder()
            .paramLabel("NAME")
            .completionCandidates(names)
            .build());
    root.addSubcommand("pick", new CommandLine(pick));
    CommandLine.Model.CommandSpec pair = CommandLine.Model.CommandSpec.create();
    pair.usageMessage().description("Pairs a name with one of its words.");
    pair.addPositional(
        CommandLine.Model.PositionalParamSpec.builder()
            .paramLabel("NAME")
            .completionCandidates(names)
            .build());
    pair.addPositional(
        CommandLine.Model.PositionalParamSpec.builder()
            .paramLabel("WORD")
            .completionCandidates(new WordsOf())
            .build());
    root.addSubcommand("pair", new CommandLine(pair));
    return new ShellRunner(root, "test> ");
  }

  private int lines(ShellRunner shell, String input) throws IOException {
    return shell.runLines(new StringReader(input), new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void linesModeRunsEachCommandAndSucceedsWhenAllDo() throws IOException {
    int code = lines(shell(), "echo hello world\n\n# a comment\n   \necho 'quoted words'\n");

    assertEquals(0, code);
    assertEquals("hello world\nquoted words\n", out.toString());
    assertEquals("", err.toString());
  }

  @Test
  void aCommandReturningNonZeroMakesTheStatusNonZeroButLaterCommandsStillRun() throws IOException {
    int code = lines(shell(), "fail\necho after\n");

    assertEquals(ShellRunner.COMMAND_FAILED, code);
    assertEquals("after\n", out.toString());
  }

  @Test
  void anAtWordIsTakenAsTypedNotReplacedByAFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("words"), "from the file\n");

    int code = lines(shell(), "echo @" + file + "\n");

    assertEquals(0, code);
    assertEquals("@" + file + "\n", out.toString());
  }

  @Test
  void aThrowingCommandPrintsOneLineWithoutStackTrace() throws IOException {
    int code = lines(shell(), "boom\n");

    assertEquals(ShellRunner.COMMAND_FAILED, code);
    assertEquals("Error: it broke\n", err.toString());
  }

  @Test
  void aParameterErrorPrintsTheMessageAndTheUsageHint() throws IOException {
    int code = lines(shell(), "count many\n");

    assertEquals(ShellRunner.COMMAND_FAILED, code);
    String[] errLines = err.toString().split("\n");
    assertEquals(2, errLines.length, err.toString());
    assertTrue(errLines[0].contains("'many'"), errLines[0]);
    assertEquals("Usage: count N (type 'help count' for details)", errLines[1]);
  }

  @Test
  void anUnknownCommandIsOneClearLine() throws IOException {
    int code = lines(shell(), "frobnicate 3\n");

    assertEquals(ShellRunner.COMMAND_FAILED, code);
    assertEquals(
        "Error: unknown command 'frobnicate': type 'help' to list the commands\n", err.toString());
  }

  @Test
  void quitStopsReadingFurtherLines() throws IOException {
    ShellRunner shell = shell();
    int code = lines(shell, "echo one\nquit\necho two\n");

    assertEquals(0, code);
    assertEquals("one\n", out.toString());
    assertTrue(shell.quitRequested());
  }

  @Test
  void helpListsEveryCommandAndHelpCommandShowsItsUsage() throws IOException {
    int code = lines(shell(), "help\nhelp count\nhelp\n");

    assertEquals(0, code, err.toString());
    String text = out.toString();
    assertTrue(text.startsWith("Commands:\n"), text);
    for (String name : List.of("echo", "fail", "boom", "count", "pick", "help", "quit")) {
      assertTrue(text.contains("  " + name + " "), name + " missing from\n" + text);
    }
    assertTrue(text.contains("\nUsage: count N\n"), text);
    // the second plain help lists the commands again: help's argument does not stick
    assertEquals(2, text.split("Commands:", -1).length - 1, text);
  }

  @Test
  void helpOfAnUnknownCommandFails() throws IOException {
    int code = lines(shell(), "help nothing\n");

    assertEquals(ShellRunner.COMMAND_FAILED, code);
    assertEquals(
        "Error: unknown command 'nothing': type 'help' to list the commands\n", err.toString());
  }

  @Test
  void scriptModeRunsTheFileAndReportsFailure(@TempDir Path dir) throws IOException {
    Path ok = Files.writeString(dir.resolve("ok.txt"), "# setup\necho a\n\necho b\n");
    Path bad = Files.writeString(dir.resolve("bad.txt"), "echo a\nboom\necho c\n");

    assertEquals(0, shell().runScript(ok, new PrintWriter(out), new PrintWriter(err)));
    assertEquals(
        ShellRunner.COMMAND_FAILED,
        shell().runScript(bad, new PrintWriter(out), new PrintWriter(err)));
    assertEquals("a\nb\na\nc\n", out.toString());
    assertEquals("Error: it broke\n", err.toString());
  }

  @Test
  void aMissingScriptIsReported(@TempDir Path dir) {
    int code =
        shell().runScript(dir.resolve("none.txt"), new PrintWriter(out), new PrintWriter(err));

    assertEquals(ShellRunner.NO_SCRIPT, code);
    assertTrue(err.toString().startsWith("Error: cannot read script "), err.toString());
  }

  @Test
  void runReadsStandardInputWhenNotInteractive() throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        shell()
            .run(
                null,
                false,
                null,
                new ByteArrayInputStream(
                    "echo from stdin\nfail\n".getBytes(StandardCharsets.UTF_8)),
                new java.io.PrintStream(o, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(e, true, StandardCharsets.UTF_8));

    assertEquals(ShellRunner.COMMAND_FAILED, code);
    assertEquals("from stdin\n", o.toString(StandardCharsets.UTF_8));
  }

  @Test
  void interactiveModeShowsThePromptAndRunsHelpOnADumbTerminal(@TempDir Path dir)
      throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream(
            "help\necho hi there\nquit\necho never\n".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Path history = dir.resolve("history");
    int code;
    try (DumbTerminal terminal =
        new DumbTerminal("test", "dumb", in, screen, StandardCharsets.UTF_8)) {
      code = shell().runInteractive(terminal, history);
    }

    String text = screen.toString(StandardCharsets.UTF_8);
    assertEquals(0, code);
    assertTrue(text.contains("test> "), text);
    assertTrue(text.contains("Commands:"), text);
    assertTrue(text.contains("hi there"), text);
    assertFalse(text.contains("never"), text);
    assertTrue(Files.readString(history).contains("echo hi there"));
  }

  @Test
  void interactiveModeEndsAtEndOfInput() throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream("echo last\n".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (DumbTerminal terminal =
        new DumbTerminal("test", "dumb", in, screen, StandardCharsets.UTF_8)) {
      assertEquals(0, shell().runInteractive(terminal, null));
    }
    assertTrue(screen.toString(StandardCharsets.UTF_8).contains("last"));
  }

  @Test
  void completionOffersCommandsAndArgumentsAskedAtCompletionTime() {
    ShellRunner shell = shell();

    assertEquals(List.of("count"), complete(shell, "co"));
    assertEquals(List.of("alpha"), complete(shell, "pick al"));
    names.add("gamma");
    assertEquals(List.of("alpha", "beta", "gamma"), complete(shell, "pick "));
    assertEquals(List.of("echo"), complete(shell, "help ec"));
  }

  @Test
  void contextualCandidatesAreToldTheWordsTypedBefore() {
    ShellRunner shell = shell();

    assertEquals(List.of("beta-1", "beta-2"), complete(shell, "pair beta "));
    assertEquals(List.of("alpha-2"), complete(shell, "pair alpha alpha-2"));
    assertEquals(List.of("alpha", "beta"), complete(shell, "pair "));
  }

  /**
   * The candidates for the word at the end of {@code line}, filtered by its prefix as JLine does.
   */
  private static List<String> complete(ShellRunner shell, String line) {
    List<Candidate> candidates = new ArrayList<>();
    ParsedLine parsed = new DefaultParser().parse(line, line.length(), ParseContext.COMPLETE);
    shell.completer().complete(null, parsed, candidates);
    return candidates.stream()
        .map(Candidate::value)
        .filter(v -> v.startsWith(parsed.word()))
        .sorted()
        .toList();
  }
}
