package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The vCPU and network facts of a libvirt domain XML: how many vCPUs it boots with ({@code <vcpu
 * current='N'>} or the element's text), its default placement ({@code <vcpu cpuset='...'>}), its
 * persistent pinning ({@code <cputune><vcpupin vcpu='0' cpuset='2'/>}) and its interfaces ({@code
 * <devices><interface><mac address='...'/><target dev='vnet0'/>}: the device only while it runs).
 */
final class LibvirtDomainXml {
  private final int vcpuCount;
  private final CpuSet placement;
  private final Map<Integer, CpuSet> pins;
  private final List<VmInterface> interfaces;

  private LibvirtDomainXml(
      int vcpuCount, CpuSet placement, Map<Integer, CpuSet> pins, List<VmInterface> interfaces) {
    this.vcpuCount = vcpuCount;
    this.placement = placement;
    this.pins = pins;
    this.interfaces = interfaces;
  }

  /**
   * @throws IllegalArgumentException when the text is not a domain XML with a valid {@code <vcpu>}
   *     (documents with a DOCTYPE are refused: libvirt never writes one)
   */
  static LibvirtDomainXml parse(String xml) {
    Element domain = LibvirtXml.domain(LibvirtXml.parse(xml));
    Element vcpu = LibvirtXml.child(domain, "vcpu");
    if (vcpu == null) {
      throw new IllegalArgumentException("domain XML has no <vcpu> element");
    }
    int maximum = count("<vcpu>", vcpu.getTextContent());
    int current =
        vcpu.hasAttribute("current") ? count("current", vcpu.getAttribute("current")) : maximum;
    CpuSet placement =
        vcpu.hasAttribute("cpuset") ? LibvirtCpuList.parse(vcpu.getAttribute("cpuset")) : null;
    Map<Integer, CpuSet> pins = new TreeMap<>();
    Element cputune = LibvirtXml.child(domain, "cputune");
    if (cputune != null) {
      for (Node n = cputune.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (LibvirtXml.isElement(n, "vcpupin")) {
          Element pin = (Element) n;
          int v = number("<vcpupin vcpu>", pin.getAttribute("vcpu"));
          pins.put(v, LibvirtCpuList.parse(pin.getAttribute("cpuset")));
        }
      }
    }
    return new LibvirtDomainXml(
        current, placement, pins, interfaces(LibvirtXml.child(domain, "devices")));
  }

  /** Every {@code <interface>} with a MAC; one without a usable MAC is left out. */
  private static List<VmInterface> interfaces(Element devices) {
    List<VmInterface> out = new ArrayList<>();
    if (devices == null) {
      return out;
    }
    for (Node n = devices.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!LibvirtXml.isElement(n, "interface")) {
        continue;
      }
      Element mac = LibvirtXml.child((Element) n, "mac");
      if (mac == null) {
        continue;
      }
      MacAddress address;
      try {
        address = MacAddress.parse(mac.getAttribute("address"));
      } catch (IllegalArgumentException e) {
        continue;
      }
      Element target = LibvirtXml.child((Element) n, "target");
      out.add(new VmInterface(address, target == null ? "" : target.getAttribute("dev")));
    }
    return out;
  }

  /** The domain's interfaces: MAC, and the host device while it runs (else empty). */
  List<VmInterface> interfaces() {
    return interfaces;
  }

  /** The vCPUs the domain boots with. */
  int vcpuCount() {
    return vcpuCount;
  }

  /**
   * Where each vCPU may run: its {@code <vcpupin>}, else the {@code <vcpu cpuset>} placement, else
   * every host CPU.
   */
  List<CpuSet> pinning(CpuSet hostCpus) {
    CpuSet unpinned = placement == null ? hostCpus : placement;
    List<CpuSet> result = new ArrayList<>(vcpuCount);
    for (int v = 0; v < vcpuCount; v++) {
      result.add(pins.getOrDefault(v, unpinned));
    }
    return result;
  }

  private static int count(String what, String text) {
    int n = number(what, text);
    if (n < 1) {
      throw new IllegalArgumentException("domain XML " + what + " must be at least 1, not " + n);
    }
    return n;
  }

  private static int number(String what, String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty() || t.length() > 6 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "domain XML " + what + " '" + text + "' is not a vCPU number");
    }
    return Integer.parseInt(t);
  }
}
