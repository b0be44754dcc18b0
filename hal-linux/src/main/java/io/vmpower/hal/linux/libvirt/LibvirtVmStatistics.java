package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.HypervisorEvent;
import io.vmpower.core.hal.HypervisorException;
import io.vmpower.core.hal.InterfaceCounters;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmCounters;
import io.vmpower.core.hal.VmInterface;
import io.vmpower.core.hal.VmStatistics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Domain;
import org.libvirt.DomainInterfaceStats;
import org.libvirt.LibvirtException;
import org.libvirt.VcpuInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vCPU time and interface counters of running VMs, as libvirt reports them.
 *
 * <p>One read is, where libvirt supports it, one bulk call for every running domain ({@code
 * virConnectGetAllDomainStats} with the vCPU and interface groups, through JNA: libvirt-java 0.5.4
 * does not wrap it): {@code vcpu.N.time} and {@code net.N.name}/{@code net.N.rx.pkts}. Where the
 * bulk call does not give vCPU times (libvirt's test driver reports only the domain state), it
 * falls back to calls per VM: lookup, {@code virDomainGetVcpus} (each vCPU's cpuTime) and {@code
 * virDomainInterfaceStats} per interface, each a round trip to libvirtd. The MAC of each device
 * comes from the domain's XML, read once per VM and again after its events.
 */
public final class LibvirtVmStatistics implements VmStatistics {
  private static final Logger log = LoggerFactory.getLogger(LibvirtVmStatistics.class);

  private final LibvirtHypervisor hypervisor;
  private final Clock clock;
  private final Map<String, List<VmInterface>> interfaces = new ConcurrentHashMap<>();

  /** Null until a read shows it; false once the bulk call gave no vCPU times. */
  private volatile Boolean bulkHasVcpus;

  LibvirtVmStatistics(LibvirtHypervisor hypervisor) {
    this(hypervisor, Clock.SYSTEM);
  }

  LibvirtVmStatistics(LibvirtHypervisor hypervisor, Clock clock) {
    this.hypervisor = hypervisor;
    this.clock = clock;
  }

  @Override
  public String description() {
    Boolean bulk = bulkHasVcpus;
    if (bulk == null) {
      return "libvirt domain statistics (bulk or per VM, decided at the first read)";
    }
    return bulk
        ? "libvirt bulk domain statistics (virConnectGetAllDomainStats: one call for all VMs)"
        : "libvirt per-VM calls (virDomainGetVcpus, virDomainInterfaceStats)";
  }

  /** Whether reads use the bulk call (null: not known yet). */
  public Boolean bulk() {
    return bulkHasVcpus;
  }

  /** Forgets what it cached of the VM an event names (its devices may have changed). */
  void forget(HypervisorEvent event) {
    if (event instanceof HypervisorEvent.VmStarted e) {
      interfaces.remove(e.vm());
    } else if (event instanceof HypervisorEvent.VmStopped e) {
      interfaces.remove(e.vm());
    } else if (event instanceof HypervisorEvent.VmChanged e) {
      interfaces.remove(e.vm());
    } else if (event instanceof HypervisorEvent.ConnectionRestored) {
      interfaces.clear();
      bulkHasVcpus = null;
    }
  }

  @Override
  public Map<String, VmCounters> read(Collection<String> vms) throws HypervisorException {
    if (vms.isEmpty()) {
      return Map.of();
    }
    return hypervisor.call("cannot read the VMs' statistics", connect -> readWith(connect, vms));
  }

  private Map<String, VmCounters> readWith(LibvirtConnect connect, Collection<String> vms)
      throws LibvirtException {
    Map<String, Map<String, Object>> bulk = null;
    if (!Boolean.FALSE.equals(bulkHasVcpus)) {
      try {
        bulk = LibvirtDomainStats.read(connect);
      } catch (IllegalStateException | UnsatisfiedLinkError e) {
        log.info("bulk domain statistics unavailable ({}): reading each VM", e.getMessage());
        bulkHasVcpus = false;
      }
    }
    long now = clock.nanoTime();
    Map<String, VmCounters> out = new HashMap<>();
    for (String name : vms) {
      Map<String, Object> rec = bulk == null ? null : bulk.get(name);
      if (rec != null && rec.get("vcpu.current") instanceof Long) {
        bulkHasVcpus = true;
        out.put(name, fromBulk(name, rec, now, device -> macOf(connect, name, device)));
        continue;
      }
      if (bulk != null && rec == null && Boolean.TRUE.equals(bulkHasVcpus)) {
        continue; // the bulk call lists every running domain: this one does not run
      }
      if (rec != null && bulkHasVcpus == null) {
        log.info("libvirt's bulk statistics carry no vCPU times here: reading each VM");
        bulkHasVcpus = false;
      }
      VmCounters c = perVm(connect, name, now);
      if (c != null) {
        out.put(name, c);
      }
    }
    return out;
  }

  /** Where {@link #fromBulk} learns a device's MAC. */
  @FunctionalInterface
  interface MacOf {
    MacAddress of(String device) throws LibvirtException;
  }

  /**
   * One VM's counters from its bulk record: {@code vcpu.current}, {@code vcpu.N.time}, {@code
   * vcpu.N.delay} (else {@code vcpu.N.wait}), {@code net.count}, {@code net.N.name}, {@code
   * net.N.rx.pkts}, {@code net.N.rx.bytes}; a device whose MAC is unknown is left out.
   */
  static VmCounters fromBulk(String name, Map<String, Object> rec, long now, MacOf macOf)
      throws LibvirtException {
    int n = (int) (long) (Long) rec.get("vcpu.current");
    long[] times = new long[n];
    long[] waits = new long[n];
    for (int v = 0; v < n; v++) {
      times[v] = number(rec.get("vcpu." + v + ".time"));
      Object delay = rec.get("vcpu." + v + ".delay");
      waits[v] = number(delay != null ? delay : rec.get("vcpu." + v + ".wait"));
    }
    int nets = (int) number(rec.get("net.count"));
    List<InterfaceCounters> ifs = new ArrayList<>(nets);
    for (int i = 0; i < nets; i++) {
      Object dev = rec.get("net." + i + ".name");
      if (!(dev instanceof String device) || device.isEmpty()) {
        continue;
      }
      MacAddress mac = macOf.of(device);
      if (mac != null) {
        ifs.add(
            new InterfaceCounters(
                mac,
                device,
                number(rec.get("net." + i + ".rx.pkts")),
                number(rec.get("net." + i + ".rx.bytes"))));
      }
    }
    return new VmCounters(name, now, times, waits, ifs);
  }

  private VmCounters perVm(LibvirtConnect connect, String name, long now) throws LibvirtException {
    Domain domain;
    try {
      domain = connect.domainLookupByName(name);
    } catch (LibvirtException e) {
      if (LibvirtErrors.noDomain(e)) {
        return null;
      }
      throw e;
    }
    try {
      if (domain.isActive() != 1) {
        return null;
      }
      VcpuInfo[] infos = domain.getVcpusInfo();
      long[] times = new long[infos.length];
      for (VcpuInfo info : infos) {
        if (info.number >= 0 && info.number < times.length) {
          times[info.number] = info.cpuTime;
        }
      }
      List<InterfaceCounters> ifs = new ArrayList<>();
      for (VmInterface i : interfacesOf(domain, name, false)) {
        if (i.device().isEmpty()) {
          continue;
        }
        try {
          DomainInterfaceStats st = domain.interfaceStats(i.device());
          ifs.add(new InterfaceCounters(i.mac(), i.device(), st.rx_packets, st.rx_bytes));
        } catch (LibvirtException e) {
          if (LibvirtErrors.noDomain(e)) {
            return null;
          }
          interfaces.remove(name); // gone or renamed: read the XML again next time
          log.debug(
              "no statistics of {} of VM '{}': {}", i.device(), name, LibvirtErrors.message(e));
        }
      }
      return new VmCounters(name, now, times, ifs);
    } catch (LibvirtException e) {
      if (LibvirtErrors.noDomain(e)
          || LibvirtErrors.is(e, org.libvirt.Error.ErrorNumber.VIR_ERR_OPERATION_INVALID)) {
        return null; // undefined or stopped meanwhile
      }
      throw e;
    } finally {
      try {
        domain.free();
      } catch (LibvirtException e) {
        log.debug("cannot free a domain handle: {}", LibvirtErrors.message(e));
      }
    }
  }

  /** The MAC of {@code device} of VM {@code name}, from its (cached) XML; null when unknown. */
  private MacAddress macOf(LibvirtConnect connect, String name, String device)
      throws LibvirtException {
    for (int attempt = 0; attempt < 2; attempt++) {
      List<VmInterface> list = interfaces.get(name);
      if (list == null || attempt == 1) {
        Domain domain;
        try {
          domain = connect.domainLookupByName(name);
        } catch (LibvirtException e) {
          if (LibvirtErrors.noDomain(e)) {
            return null;
          }
          throw e;
        }
        try {
          list = interfacesOf(domain, name, true);
        } finally {
          try {
            domain.free();
          } catch (LibvirtException e) {
            log.debug("cannot free a domain handle: {}", LibvirtErrors.message(e));
          }
        }
      }
      for (VmInterface i : list) {
        if (i.device().equals(device)) {
          return i.mac();
        }
      }
    }
    return null;
  }

  private List<VmInterface> interfacesOf(Domain domain, String name, boolean fresh)
      throws LibvirtException {
    List<VmInterface> list = fresh ? null : interfaces.get(name);
    if (list == null) {
      try {
        list = LibvirtDomainXml.parse(domain.getXMLDesc(0)).interfaces();
      } catch (IllegalArgumentException e) {
        log.warn("cannot read the interfaces of VM '{}' from its XML: {}", name, e.getMessage());
        list = List.of();
      }
      interfaces.put(name, list);
    }
    return list;
  }

  private static long number(Object o) {
    return o instanceof Long l ? l : 0;
  }
}
