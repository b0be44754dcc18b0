package io.vmpower.cli;

import io.vmpower.core.host.ChannelCommands;
import io.vmpower.core.host.ChannelSelection;
import io.vmpower.shell.ContextualCandidates;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Completion of a VM's channel list: {@code all}, the VM's channels and its {@code {vm}.{n}}
 * sockets in the channel folder, for the VM typed before the list; read at each TAB.
 */
public final class ChannelNumberCandidates implements ContextualCandidates {
  private final ChannelCommands channels;

  @Inject
  public ChannelNumberCandidates(ChannelCommands channels) {
    this.channels = channels;
  }

  @Override
  public Iterable<String> after(List<String> before) {
    List<String> words = new ArrayList<>();
    words.add(ChannelSelection.ALL_WORD);
    if (!before.isEmpty()) {
      channels.candidates(before.get(0)).forEach(n -> words.add(Integer.toString(n)));
    }
    return words;
  }

  /** Without the VM: {@code all} only. */
  @Override
  public Iterator<String> iterator() {
    return after(List.of()).iterator();
  }
}
