package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.DomainChannels;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.VmInfo;
import io.vmpower.core.hal.VmInterface;
import io.vmpower.core.hal.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and pins the VMs of one libvirt connection: a running VM's pinning comes from libvirt's
 * live CPU maps, a shut-off VM's from its persistent XML.
 */
final class LibvirtDomains {
  private static final Logger log = LoggerFactory.getLogger(LibvirtDomains.class);

  private final String uri;
  private final boolean readOnly;

  /**
   * The channels last read from each domain's XML, with that XML: read again only when it changed.
   */
  private final Map<String, ParsedChannels> channels = new ConcurrentHashMap<>();

  private record ParsedChannels(String xml, DomainChannels channels) {}

  LibvirtDomains(String uri, boolean readOnly) {
    this.uri = uri;
    this.readOnly = readOnly;
  }

  Optional<VmInfo> lookup(Connect connect, String name)
      throws LibvirtException, HypervisorException {
    Domain domain = find(connect, name);
    if (domain == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(read(connect, domain, name));
    } catch (LibvirtException e) {
      if (LibvirtErrors.noDomain(e)) {
        return Optional.empty(); // undefined while we read it
      }
      throw e;
    } finally {
      free(domain);
    }
  }

  /** The power channels of VM {@code name}'s XML (its live XML while it runs), or empty. */
  Optional<DomainChannels> channels(Connect connect, String name)
      throws LibvirtException, HypervisorException {
    Domain domain = find(connect, name);
    if (domain == null) {
      channels.remove(name);
      return Optional.empty();
    }
    try {
      String xml = domain.getXMLDesc(0);
      ParsedChannels last = channels.get(name);
      if (last != null && last.xml.equals(xml)) {
        return Optional.of(last.channels); // the same definition as last time
      }
      DomainChannels parsed = LibvirtChannelXml.parse(xml);
      channels.put(name, new ParsedChannels(xml, parsed));
      return Optional.of(parsed);
    } catch (LibvirtException e) {
      if (LibvirtErrors.noDomain(e)) {
        channels.remove(name);
        return Optional.empty(); // undefined while we read it
      }
      throw e;
    } catch (IllegalArgumentException e) {
      throw new HypervisorException(
          "cannot read the channels of VM '" + name + "' from its XML: " + e.getMessage(), e);
    } finally {
      free(domain);
    }
  }

  /** Every VM, running or only defined, sorted by name. */
  List<String> names(Connect connect) throws LibvirtException {
    List<String> names = new ArrayList<>();
    for (Domain domain : connect.listAllDomains(0)) {
      try {
        names.add(domain.getName());
      } finally {
        free(domain);
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * Validates, then pins live.
   *
   * @param what the start of a failure message naming the pin
   */
  void pin(Connect connect, String vm, int vcpu, CpuSet pcpus, String what)
      throws LibvirtException, HypervisorException {
    Domain domain = find(connect, vm);
    if (domain == null) {
      throw new HypervisorException("VM '" + vm + "' does not exist");
    }
    try {
      if (domain.isActive() != 1) {
        throw new HypervisorException(
            "VM '" + vm + "' is not running: only a running VM's vCPUs can be pinned");
      }
      int vcpus = domain.getInfo().nrVirtCpu;
      if (vcpu < 0 || vcpu >= vcpus) {
        throw new HypervisorException(
            "vCPU " + vcpu + " does not exist (VM '" + vm + "' has " + vcpus + ")");
      }
      int hostCpus = hostCpus(connect);
      int missing = pcpus.next(hostCpus);
      if (missing >= 0) {
        throw new HypervisorException(
            "pCPU " + missing + " does not exist (host has " + hostCpus + ")");
      }
      domain.pinVcpu(vcpu, LibvirtCpuMaps.bitmap(pcpus, LibvirtCpuMaps.mapLength(hostCpus)));
    } catch (LibvirtException e) {
      if (LibvirtErrors.noDomain(e)) {
        throw new HypervisorException("VM '" + vm + "' does not exist");
      }
      if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_OPERATION_DENIED)) {
        String why =
            readOnly ? "the libvirt connection to " + uri + " is read-only" : "libvirt denied it";
        throw new HypervisorException(what + ": " + why + " (" + LibvirtErrors.message(e) + ")", e);
      }
      throw e;
    } finally {
      free(domain);
    }
  }

  /** Host CPU numbers run from 0 to this minus one, offline ones included. */
  static int hostCpus(Connect connect) throws LibvirtException {
    NodeInfo node = connect.nodeInfo();
    return Math.max(node.cpus, node.maxCpus());
  }

  static VmState state(DomainInfo.DomainState state) {
    return switch (state) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> VmState.RUNNING;
      case VIR_DOMAIN_PAUSED -> VmState.PAUSED;
      case VIR_DOMAIN_SHUTOFF -> VmState.SHUT_OFF;
      case VIR_DOMAIN_CRASHED -> VmState.CRASHED;
      default -> VmState.OTHER;
    };
  }

  private VmInfo read(Connect connect, Domain domain, String name)
      throws LibvirtException, HypervisorException {
    DomainInfo info = domain.getInfo();
    if (domain.isActive() == 1) {
      try {
        return live(connect, domain, name, info);
      } catch (LibvirtException e) {
        if (!LibvirtErrors.is(e, ErrorNumber.VIR_ERR_OPERATION_INVALID)) {
          throw e;
        }
        info = domain.getInfo(); // it stopped meanwhile: read its persistent pinning
      }
    }
    try {
      LibvirtDomainXml xml = LibvirtDomainXml.parse(domain.getXMLDesc(0));
      CpuSet host = CpuSet.range(0, hostCpus(connect) - 1);
      return new VmInfo(
          name, state(info.state), xml.vcpuCount(), xml.pinning(host), xml.interfaces());
    } catch (IllegalArgumentException e) {
      throw new HypervisorException(
          "cannot read the vCPUs of VM '" + name + "' from its XML: " + e.getMessage(), e);
    }
  }

  private static VmInfo live(Connect connect, Domain domain, String name, DomainInfo info)
      throws LibvirtException, HypervisorException {
    // libvirt-java sizes each vCPU's map for nodes * sockets * cores * threads CPUs
    int mapLength = LibvirtCpuMaps.mapLength(connect.nodeInfo().maxCpus());
    List<CpuSet> maps = LibvirtCpuMaps.rows(domain.getVcpusCpuMaps(), mapLength);
    if (maps.size() < info.nrVirtCpu) {
      throw new HypervisorException(
          "libvirt gave "
              + maps.size()
              + " CPU maps for the "
              + info.nrVirtCpu
              + " vCPUs of VM '"
              + name
              + "'");
    }
    List<VmInterface> interfaces;
    try {
      interfaces = LibvirtDomainXml.parse(domain.getXMLDesc(0)).interfaces();
    } catch (IllegalArgumentException e) {
      throw new HypervisorException(
          "cannot read the interfaces of VM '" + name + "' from its XML: " + e.getMessage(), e);
    }
    return new VmInfo(
        name, state(info.state), info.nrVirtCpu, maps.subList(0, info.nrVirtCpu), interfaces);
  }

  /** The domain, or null when libvirt has none of that name. */
  private static Domain find(Connect connect, String name) throws LibvirtException {
    try {
      return connect.domainLookupByName(name);
    } catch (LibvirtException e) {
      if (LibvirtErrors.noDomain(e)) {
        return null;
      }
      throw e;
    }
  }

  private static void free(Domain domain) {
    try {
      domain.free();
    } catch (LibvirtException e) {
      log.debug("cannot free a domain handle: {}", LibvirtErrors.message(e));
    }
  }
}
