package io.vmpower.cli;

import io.vmpower.core.host.HostController;
import io.vmpower.core.vm.Vm;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Completion of channel lists: {@code all}, the channel numbers of added VMs, and the numbers of
 * the {@code {vm}.{n}} sockets in the channel folder; read at each TAB.
 */
public final class ChannelNumberCandidates implements Iterable<String> {
  private final HostController host;

  @Inject
  public ChannelNumberCandidates(HostController host) {
    this.host = host;
  }

  @Override
  public Iterator<String> iterator() {
    TreeSet<Integer> numbers = new TreeSet<>();
    for (Vm vm : host.registry().all()) {
      numbers.addAll(vm.channels().keySet());
    }
    numbers.addAll(host.channelNumbersInFolder());
    List<String> words = new ArrayList<>();
    words.add("all");
    numbers.forEach(n -> words.add(Integer.toString(n)));
    return words.iterator();
  }
}
