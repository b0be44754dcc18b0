package io.vmpower.core.host;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.host.Views.ChannelResult;
import io.vmpower.core.vm.ChannelName;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A VM's {@code {vm}.{n}} sockets in the channel folder, read through the {@link ChannelTransport}
 * and named by the {@link ChannelName} rule: for {@code add_channels VM all} and for completion.
 */
@Singleton
public final class ChannelFolder {
  private final ChannelTransport transport;
  private final ChannelRules rules;
  private final VmRegistry registry;

  private List<Path> namesOf;
  private String[] names;

  /** What a scan found: the VM's sockets by channel number, and the entries it skipped, and why. */
  public record Scan(SortedMap<Integer, Path> sockets, List<ChannelResult> skipped) {}

  @Inject
  public ChannelFolder(ChannelTransport transport, ChannelRules rules, VmRegistry registry) {
    this.transport = transport;
    this.rules = rules;
    this.registry = registry;
  }

  public Path path() {
    return rules.current().folder();
  }

  /**
   * The sockets of {@code vm}. An entry that starts as a channel of {@code vm} but is not one, or
   * whose number is out of range, is skipped and reported, unless it starts as a channel of a
   * registered VM with a longer name (whose entry it then is).
   */
  public Scan scan(String vm) throws CommandException {
    SortedMap<Integer, Path> sockets = new TreeMap<>();
    List<ChannelResult> skipped = new ArrayList<>();
    ChannelRules.Rules now = rules.current();
    List<Path> entries = list(now.folder());
    String[] files = names(entries);
    for (int i = 0; i < files.length; i++) {
      Path p = entries.get(i);
      String file = files[i];
      if (!ChannelName.startsWithVm(vm, file)) {
        continue;
      }
      OptionalInt n = ChannelName.parse(vm, file);
      if (n.isEmpty()) {
        if (!belongsToLongerName(vm, file)) {
          skipped.add(
              new ChannelResult(
                  -1, p, false, "skipped '" + file + "': not " + vm + ".N with N a number"));
        }
        continue;
      }
      if (n.getAsInt() >= now.maxPerVm()) {
        skipped.add(
            new ChannelResult(
                n.getAsInt(),
                p,
                false,
                "skipped '" + file + "': channel numbers run 0-" + (now.maxPerVm() - 1)));
        continue;
      }
      sockets.put(n.getAsInt(), p);
    }
    return new Scan(sockets, skipped);
  }

  /**
   * The channel numbers of {@code vm}'s sockets that {@code add_channels} would take; none when the
   * folder cannot be read.
   */
  public List<Integer> numbers(String vm) {
    try {
      return new ArrayList<>(scan(vm).sockets().keySet());
    } catch (CommandException e) {
      return List.of();
    }
  }

  private List<Path> list(Path dir) throws CommandException {
    try {
      return transport.list(dir);
    } catch (IOException e) {
      throw new CommandException("cannot read the channel folder " + dir + ": " + e.getMessage());
    }
  }

  /**
   * The file names of {@code entries}; kept while the transport returns the same listing (it reuses
   * one while the folder is unchanged), so a command per VM does not make a string of each of the
   * folder's entries again.
   */
  private synchronized String[] names(List<Path> entries) {
    if (entries != namesOf) {
      String[] out = new String[entries.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = entries.get(i).getFileName().toString();
      }
      names = out;
      namesOf = entries;
    }
    return names;
  }

  /** Whether {@code file} is a channel of another registered VM whose name extends {@code vm}. */
  private boolean belongsToLongerName(String vm, String file) {
    for (String other : registry.names()) {
      if (other.length() > vm.length() && ChannelName.startsWithVm(other, file)) {
        return true;
      }
    }
    return false;
  }
}
