package io.vmpower.core.hal;

import java.util.List;

/**
 * The power channels of one domain, as its definition names them, and what in it could not be taken
 * as one (a malformed channel number, a socket that is not a unix socket QEMU listens on, a number
 * given twice), each said in a sentence.
 */
public record DomainChannels(List<DomainChannel> channels, List<String> problems) {
  public static final DomainChannels NONE = new DomainChannels(List.of(), List.of());

  public DomainChannels {
    channels = List.copyOf(channels);
    problems = List.copyOf(problems);
  }

  /** Whether the definition names any power channel, usable or not. */
  public boolean any() {
    return !channels.isEmpty() || !problems.isEmpty();
  }
}
