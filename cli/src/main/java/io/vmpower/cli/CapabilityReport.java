package io.vmpower.cli;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.CpuFrequencies;
import io.vmpower.core.hal.EnergyCounters;
import io.vmpower.core.hal.EnergyZone;
import io.vmpower.core.hal.Hypervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The block the host prints at start: which HAL, every CPU's driver / table / turbo (CPUs alike
 * grouped), the hypervisor, the channel folder and whether its permissions are safe. A missing
 * feature is reported, not fatal.
 */
public final class CapabilityReport {
  /** Owners of the channel folder that cannot plant sockets a VM's channel would be read from. */
  static final Set<String> TRUSTED_OWNERS = Set.of("root", "libvirt-qemu", "qemu");

  private CapabilityReport() {}

  public static List<String> lines(
      String hal,
      CpuFrequencies cpus,
      Hypervisor hypervisor,
      ChannelTransport transport,
      HostConfig config,
      EnergyCounters energy) {
    List<String> out = new ArrayList<>();
    out.add("vmpower host: " + hal);
    out.add("CPU frequencies: " + cpus.description());
    CpuSet online = cpus.cpus();
    if (online.isEmpty()) {
      out.add("  no CPU with frequency control: frequency requests will be refused (NACK)");
    }
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    online.forEach(
        cpu -> {
          String key =
              cpus.driver(cpu)
                  + ", governor "
                  + cpus.governor(cpu)
                  + ", "
                  + cpus.table(cpu)
                  + " kHz, turbo "
                  + (!cpus.table(cpu).hasTurbo() && !cpus.capabilities(cpu).turbo()
                      ? "none"
                      : cpus.turboEnabled(cpu) ? "enabled" : "disabled");
          groups.computeIfAbsent(key, k -> new ArrayList<>()).add(cpu);
        });
    for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
      int[] ids = g.getValue().stream().mapToInt(Integer::intValue).toArray();
      out.add("  CPU " + CpuSet.of(ids).toListString() + ": " + g.getKey());
    }
    if (!cpus.offlineCpus().isEmpty()) {
      out.add("  offline (not touched): " + cpus.offlineCpus().toListString());
    }
    out.addAll(energy(energy));
    out.add("Hypervisor: " + hypervisor.description());
    out.add("Channel transport: " + transport.description());
    out.add(
        "Wire format: "
            + config.wireFormat().optionName()
            + " ("
            + config.wireFormat().requestSize()
            + "-byte requests"
            + (config.wireFormat().hasReplies() ? ", ACK/NACK replies" : ", no replies")
            + ")");
    out.addAll(channelDir(config.channelDir()));
    if (!config.allowedChannelDirs().isEmpty()) {
      out.add(
          "Channel sockets named by domain XML: allowed in "
              + config.allowedChannelDirs().stream().map(Path::toString).sorted().toList()
              + " besides the channel folder");
    }
    if (!config.allowedPeerUids().isEmpty()) {
      ChannelRules.Rules rules = ChannelRules.Rules.of(config);
      out.add(
          "Channel peers: only uid"
              + (config.allowedPeerUids().size() == 1 ? " " : "s ")
              + rules.uidList()
              + " accepted");
    }
    return out;
  }

  /** The energy counters: where they come from, the zones, and those that cannot be read. */
  public static List<String> energy(EnergyCounters energy) {
    List<String> out = new ArrayList<>();
    out.add("Energy counters: " + energy.description());
    List<String> readable = new ArrayList<>();
    for (EnergyZone z : energy.zones()) {
      if (z.readable()) {
        readable.add(z.id() + " " + z.name());
      } else {
        out.add("  WARNING: " + z.id() + " (" + z.name() + ") unreadable: " + z.problem());
      }
    }
    if (!readable.isEmpty()) {
      out.add(1, "  " + String.join(", ", readable));
    }
    return out;
  }

  /** The channel folder's state, with a warning when unsafe or missing. */
  public static List<String> channelDir(Path dir) {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      out.add(
          "Channel folder: "
              + dir
              + " is missing: create it for QEMU's sockets (mkdir -p "
              + dir
              + "; chown qemu:qemu "
              + dir
              + ")");
      return out;
    }
    try {
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
      out.add(
          "Channel folder: "
              + dir
              + " (owner "
              + owner
              + ", "
              + PosixFilePermissions.toString(perms)
              + ")");
      if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        boolean sticky = isSticky(dir);
        out.add(
            "  WARNING: "
                + dir
                + " is world-writable"
                + (sticky ? " (sticky)" : "")
                + ": any local user could plant a socket a VM's channel would be read from;"
                + " make it owned by the QEMU user with mode 0750 or 0770");
      }
      if (!TRUSTED_OWNERS.contains(owner)) {
        out.add(
            "  WARNING: "
                + dir
                + " is owned by '"
                + owner
                + "', neither root nor the QEMU user (libvirt-qemu/qemu): that user could replace"
                + " channel sockets; chown it to the QEMU user");
      }
      if (Files.isSymbolicLink(dir)) {
        out.add("  WARNING: " + dir + " is a symbolic link");
      }
    } catch (IOException | UnsupportedOperationException e) {
      out.add("Channel folder: " + dir + " (permissions unreadable: " + e.getMessage() + ")");
    }
    return out;
  }

  private static boolean isSticky(Path dir) {
    try {
      Object mode = Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return mode instanceof Integer m && (m & 01000) != 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
