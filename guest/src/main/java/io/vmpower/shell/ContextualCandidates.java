package io.vmpower.shell;

import java.util.List;

/**
 * Completion candidates that depend on the words typed before the one being completed, e.g. the
 * channel numbers of the VM named by the first argument. The shell's completer hands those words to
 * {@link #after}; as a plain {@link Iterable} it offers what holds whatever was typed before.
 */
public interface ContextualCandidates extends Iterable<String> {

  /**
   * The candidates for a positional parameter when {@code before} (the command's words after its
   * name, up to the word being completed) were typed.
   */
  Iterable<String> after(List<String> before);
}
