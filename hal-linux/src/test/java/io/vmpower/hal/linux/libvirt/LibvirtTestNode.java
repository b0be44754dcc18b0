package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.hal.VmState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a node.xml for libvirt's test driver: a host with a given number of CPUs and some domains.
 * Connect to {@link #uri(Path)} of the written file; every connection gets its own copy of the
 * state, so tests stay apart.
 */
final class LibvirtTestNode {
  private final int hostCpus;
  private final List<Vm> vms = new ArrayList<>();

  private LibvirtTestNode(int hostCpus) {
    this.hostCpus = hostCpus;
  }

  /** A host with {@code cpus} CPUs in one socket, all online. */
  static LibvirtTestNode withHostCpus(int cpus) {
    return new LibvirtTestNode(cpus);
  }

  /** Adds a domain; configure it through the returned {@link Vm}. */
  Vm vm(String name) {
    Vm vm = new Vm(name);
    vms.add(vm);
    return vm;
  }

  /** Writes {@code node.xml} into {@code dir} and returns the connection URI. */
  String write(Path dir) {
    Path file = dir.resolve("node.xml").toAbsolutePath();
    try {
      Files.writeString(file, xml(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return uri(file);
  }

  static String uri(Path nodeXml) {
    return "test://" + nodeXml.toAbsolutePath();
  }

  String xml() {
    StringBuilder sb = new StringBuilder();
    sb.append("<node>\n")
        .append("  <cpu><nodes>1</nodes><sockets>1</sockets><cores>")
        .append(hostCpus)
        .append("</cores><threads>1</threads><active>")
        .append(hostCpus)
        .append("</active><mhz>2000</mhz><model>x86_64</model></cpu>\n")
        .append("  <memory>8388608</memory>\n");
    for (Vm vm : vms) {
      vm.appendTo(sb);
    }
    return sb.append("</node>\n").toString();
  }

  /** One domain of the node. */
  static final class Vm {
    private final String name;
    private String uuid;
    private int vcpus = 1;
    private Integer currentVcpus;
    private String placement;
    private VmState state = VmState.RUNNING;
    private final Map<Integer, String> pins = new LinkedHashMap<>();
    private final StringBuilder devices = new StringBuilder();

    private Vm(String name) {
      this.name = name;
      this.uuid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    Vm uuid(String value) {
      uuid = value;
      return this;
    }

    Vm vcpus(int count) {
      vcpus = count;
      return this;
    }

    /** {@code <vcpu current='N'>}: boots with fewer vCPUs than its maximum. */
    Vm currentVcpus(int count) {
      currentVcpus = count;
      return this;
    }

    /** {@code <vcpu cpuset='...'>}: where unpinned vCPUs run. */
    Vm placement(String cpuset) {
      placement = cpuset;
      return this;
    }

    /** {@code <vcpupin vcpu='N' cpuset='...'>}. */
    Vm pin(int vcpu, String cpuset) {
      pins.put(vcpu, cpuset);
      return this;
    }

    /** A power channel as the seed's XML has it: port poweragent.N on a socket QEMU binds. */
    Vm powerChannel(int n, Path socket) {
      return device(
          "<channel type='unix'><source mode='bind' path='"
              + socket
              + "'/><target type='virtio' name='virtio.serial.port.poweragent."
              + n
              + "'/></channel>");
    }

    /** Any element of {@code <devices>}, as written. */
    Vm device(String xml) {
      devices.append("      ").append(xml).append('\n');
      return this;
    }

    /**
     * An ethernet interface with this MAC (the test driver names its device testnetN while the
     * domain runs).
     */
    Vm iface(String mac) {
      device("<interface type='ethernet'><mac address='" + mac + "'/></interface>");
      return this;
    }

    /** RUNNING (the test driver's default), PAUSED, SHUT_OFF or CRASHED. */
    Vm state(VmState value) {
      state = value;
      return this;
    }

    private void appendTo(StringBuilder sb) {
      sb.append("  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n")
          .append("    <name>")
          .append(name)
          .append("</name>\n    <uuid>")
          .append(uuid)
          .append("</uuid>\n    <memory>1048576</memory>\n    <vcpu");
      if (placement != null) {
        sb.append(" cpuset='").append(placement).append('\'');
      }
      if (currentVcpus != null) {
        sb.append(" current='").append(currentVcpus).append('\'');
      }
      sb.append('>').append(vcpus).append("</vcpu>\n");
      if (!pins.isEmpty()) {
        sb.append("    <cputune>\n");
        pins.forEach(
            (vcpu, cpuset) ->
                sb.append("      <vcpupin vcpu='")
                    .append(vcpu)
                    .append("' cpuset='")
                    .append(cpuset)
                    .append("'/>\n"));
        sb.append("    </cputune>\n");
      }
      sb.append("    <os><type>hvm</type></os>\n");
      if (devices.length() > 0) {
        sb.append("    <devices>\n").append(devices).append("    </devices>\n");
      }
      sb.append("    <test:runstate>")
          .append(runstate(state))
          .append("</test:runstate>\n")
          .append("  </domain>\n");
    }

    /** virDomainState numbers, as the test driver reads them. */
    private static int runstate(VmState state) {
      return switch (state) {
        case RUNNING -> 1;
        case PAUSED -> 3;
        case SHUT_OFF -> 5;
        case CRASHED -> 6;
        case OTHER -> throw new IllegalArgumentException("no test driver run state for OTHER");
      };
    }
  }
}
