package io.vmpower.core.host;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.host.Views.ChannelResult;
import io.vmpower.core.monitor.ChannelMonitor;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelEvent;
import io.vmpower.core.vm.ChannelName;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.Vm;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code add_channels}, {@code rm_channels}, {@code set_channel_status}: a VM's channels, attached
 * and detached through the {@link ChannelMonitor}. They report per channel; an error that concerns
 * the whole command is a {@link CommandException}, and then nothing was changed.
 */
@Singleton
public final class ChannelCommands {
  private final VmLookup vms;
  private final ChannelMonitor monitor;
  private final ChannelFolder folder;
  private final ChannelRules rules;
  private final HypervisorSync sync;

  @Inject
  public ChannelCommands(
      VmLookup vms,
      ChannelMonitor monitor,
      ChannelFolder folder,
      ChannelRules rules,
      HypervisorSync sync) {
    this.vms = vms;
    this.monitor = monitor;
    this.folder = folder;
    this.rules = rules;
    this.sync = sync;
  }

  /**
   * {@code add_channels}: the VM must be running; {@code all} takes every {@code {vm}.{n}} socket
   * in the channel folder. Channels that cannot be attached are reported and not added.
   */
  public List<ChannelResult> addChannels(String name, ChannelSelection selection)
      throws CommandException {
    Vm vm = vms.added(name);
    sync.refresh(name);
    if (!vm.state().isActive()) {
      throw new CommandException(
          "VM '" + name + "' is not running: start it before adding channels");
    }
    List<ChannelResult> results = new ArrayList<>();
    SortedMap<Integer, Path> wanted = new TreeMap<>();
    if (selection instanceof ChannelSelection.Listed listed) {
      CpuSet numbers = listed.numbers();
      checkChannelNumbers(numbers);
      Path dir = rules.current().folder();
      numbers.forEach(n -> wanted.put(n, new ChannelName(name, n).in(dir)));
    } else {
      ChannelFolder.Scan scan = folder.scan(name);
      wanted.putAll(scan.sockets());
      results.addAll(scan.skipped());
      if (wanted.isEmpty() && results.isEmpty()) {
        throw new CommandException(
            "no channel sockets for VM '"
                + name
                + "' in "
                + folder.path()
                + " (expected "
                + name
                + ".0, "
                + name
                + ".1, ...)");
      }
    }
    List<Channel> added = new ArrayList<>(wanted.size());
    for (Map.Entry<Integer, Path> e : wanted.entrySet()) {
      int n = e.getKey();
      if (vm.channel(n) != null) {
        results.add(
            new ChannelResult(n, e.getValue(), false, "channel " + n + " is already added"));
        continue;
      }
      added.add(vm.addChannel(n, e.getValue()));
    }
    // one round trip to the monitor thread for all of them
    List<Exception> failures;
    try {
      failures = monitor.attachAll(added);
    } catch (Exception ex) {
      for (Channel c : added) {
        vm.removeChannel(c.number());
      }
      throw new CommandException("could not attach the channels of VM '" + name + "': " + ex);
    }
    for (int i = 0; i < added.size(); i++) {
      Channel c = added.get(i);
      Exception ex = failures.get(i);
      if (ex == null) {
        results.add(new ChannelResult(c.number(), c.path(), true, "added, " + c.state()));
      } else {
        vm.removeChannel(c.number());
        results.add(new ChannelResult(c.number(), c.path(), false, ex.getMessage()));
      }
    }
    results.sort((a, b) -> Integer.compare(a.channel(), b.channel()));
    return results;
  }

  private void checkChannelNumbers(CpuSet numbers) throws CommandException {
    int max = rules.current().maxPerVm();
    if (numbers.last() >= max) {
      throw new CommandException(
          "channel " + numbers.last() + " is out of range: channel numbers run 0-" + (max - 1));
    }
  }

  /** {@code rm_channels}: closes and forgets channels, so that {@code rm_vm} is possible. */
  public List<ChannelResult> rmChannels(String name, ChannelSelection selection)
      throws CommandException {
    Vm vm = vms.added(name);
    List<ChannelResult> results = new ArrayList<>();
    for (Channel c : channels(vm, selection)) {
      try {
        monitor.detach(c);
      } catch (Exception e) {
        results.add(new ChannelResult(c.number(), c.path(), false, e.getMessage()));
        continue;
      }
      vm.removeChannel(c.number());
      results.add(new ChannelResult(c.number(), c.path(), true, "removed"));
    }
    return results;
  }

  /** {@code set_channel_status}: disabled channels read and drop their requests. */
  public List<ChannelResult> setChannelStatus(
      String name, ChannelSelection selection, boolean enabled) throws CommandException {
    Vm vm = vms.added(name);
    List<ChannelResult> results = new ArrayList<>();
    for (Channel c : channels(vm, selection)) {
      ChannelState s = c.stateMachine().fire(enabled ? ChannelEvent.ENABLE : ChannelEvent.DISABLE);
      results.add(new ChannelResult(c.number(), c.path(), true, s.name()));
    }
    return results;
  }

  /**
   * The channel numbers to offer when completing a channel list of VM {@code name}: its channels
   * and its sockets in the channel folder, sorted; never fails.
   */
  public List<Integer> candidates(String name) {
    TreeSet<Integer> numbers = new TreeSet<>(folder.numbers(name));
    try {
      numbers.addAll(vms.added(name).channels().keySet());
    } catch (CommandException notAdded) {
      // only its sockets, then
    }
    return new ArrayList<>(numbers);
  }

  /** The channels of {@code vm} selected; all of the listed ones must exist. */
  private static List<Channel> channels(Vm vm, ChannelSelection selection) throws CommandException {
    List<Channel> out = new ArrayList<>();
    if (!(selection instanceof ChannelSelection.Listed listed)) {
      out.addAll(vm.channels().values());
      return out;
    }
    List<Integer> missing = new ArrayList<>();
    listed
        .numbers()
        .forEach(
            n -> {
              Channel c = vm.channel(n);
              if (c == null) {
                missing.add(n);
              } else {
                out.add(c);
              }
            });
    if (!missing.isEmpty()) {
      throw new CommandException(
          "VM '"
              + vm.name()
              + "' has no channel "
              + Numbers.join(missing)
              + " (it has: "
              + (vm.channels().isEmpty()
                  ? "none"
                  : Numbers.join(new ArrayList<>(vm.channels().keySet())))
              + ")");
    }
    return out;
  }
}
