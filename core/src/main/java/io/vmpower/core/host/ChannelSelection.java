package io.vmpower.core.host;

import io.vmpower.core.cpu.CpuSet;
import java.util.Objects;

/**
 * Which channels of a VM a channel command acts on: {@code all} of them, or those listed by number
 * ({@code 0,1,3}, ranges {@code 0-3}, decimal or {@code 0x} hex). Front ends parse the operator's
 * word with {@link #parse} before calling the commands.
 */
public sealed interface ChannelSelection {

  /** Every channel: the VM's channels, or for {@code add_channels} its sockets in the folder. */
  record All() implements ChannelSelection {
    @Override
    public String toString() {
      return ALL_WORD;
    }
  }

  /** The channels of these numbers (not empty). */
  record Listed(CpuSet numbers) implements ChannelSelection {
    public Listed {
      Objects.requireNonNull(numbers, "numbers");
      if (numbers.isEmpty()) {
        throw new IllegalArgumentException("a channel list names at least one channel");
      }
    }

    @Override
    public String toString() {
      return numbers.toListString();
    }
  }

  /** The word that selects every channel. */
  String ALL_WORD = "all";

  ChannelSelection ALL = new All();

  /**
   * Parses {@code all} or a channel list; the error says what was wrong and what is accepted.
   *
   * @throws CommandException for anything else
   */
  static ChannelSelection parse(String text) throws CommandException {
    if (ALL_WORD.equals(text)) {
      return ALL;
    }
    return new Listed(Numbers.parseList(text, "channel"));
  }
}
