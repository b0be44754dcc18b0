package io.vmpower.shell;

import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Tab completion from the picocli model: the command names for the first word; then, for the word
 * under the cursor, the option names, the candidates of the option it is the value of, or those of
 * the positional parameter at its index. Candidates are asked for at each completion, so they may
 * change while the shell runs; {@link ContextualCandidates} are also told the words typed before.
 * (picocli's own completer offers the candidates of every positional parameter wherever the cursor
 * is.)
 */
final class ShellCompleter implements Completer {
  private final CommandLine root;

  ShellCompleter(CommandLine root) {
    this.root = root;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    List<String> words = line.words();
    int at = line.wordIndex();
    if (at == 0) {
      root.getSubcommands().keySet().forEach(name -> candidates.add(new Candidate(name)));
      return;
    }
    CommandLine cmd = root.getSubcommands().get(words.get(0));
    if (cmd == null) {
      return;
    }
    CommandSpec spec = cmd.getCommandSpec();
    OptionSpec valueOf = at >= 2 ? takingValue(spec, words.get(at - 1)) : null;
    if (valueOf != null) {
      add(valueOf.completionCandidates(), candidates);
      return;
    }
    if (line.word().startsWith("-")) {
      for (OptionSpec o : spec.options()) {
        for (String name : o.names()) {
          candidates.add(new Candidate(name));
        }
      }
      return;
    }
    int position = positionalIndex(spec, words, at);
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.index().contains(position)) {
        Iterable<String> values = p.completionCandidates();
        if (values instanceof ContextualCandidates contextual) {
          values = contextual.after(words.subList(1, at));
        }
        add(values, candidates);
      }
    }
  }

  /** Which positional parameter the word at {@code at} is: options and their values skipped. */
  private static int positionalIndex(CommandSpec spec, List<String> words, int at) {
    int position = 0;
    for (int i = 1; i < at; i++) {
      String w = words.get(i);
      if (takingValue(spec, w) != null) {
        i++;
      } else if (!w.startsWith("-")) {
        position++;
      }
    }
    return position;
  }

  /** The option {@code word} names when it takes a value given as the next word, else null. */
  private static OptionSpec takingValue(CommandSpec spec, String word) {
    if (!word.startsWith("-") || word.contains("=")) {
      return null;
    }
    OptionSpec o = spec.findOption(word);
    return o != null && o.arity().max() > 0 ? o : null;
  }

  private static void add(Iterable<String> values, List<Candidate> candidates) {
    if (values != null) {
      values.forEach(v -> candidates.add(new Candidate(v)));
    }
  }
}
