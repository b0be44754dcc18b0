package io.vmpower.hal.linux.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.MacAddress;
import io.vmpower.core.hal.VmInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

class LibvirtDomainXmlTest {
  private static final CpuSet HOST = CpuSet.range(0, 7);

  @Test
  void readsPinsAndGivesUnpinnedVcpusEveryHostCpu() {
    LibvirtDomainXml xml =
        LibvirtDomainXml.parse(
            "<domain type='kvm'><name>vm1</name><vcpu placement='static'>3</vcpu>"
                + "<cputune><vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='2' cpuset='0-3,^2'/>"
                + "</cputune></domain>");
    assertEquals(3, xml.vcpuCount());
    assertEquals(List.of(CpuSet.of(2), HOST, CpuSet.of(0, 1, 3)), xml.pinning(HOST));
  }

  @Test
  void currentVcpusAndDefaultPlacementApply() {
    LibvirtDomainXml xml =
        LibvirtDomainXml.parse(
            "<domain><vcpu cpuset='4-7,^5' current='2'>4</vcpu>"
                + "<cputune><vcpupin vcpu='3' cpuset='1'/></cputune></domain>");
    assertEquals(2, xml.vcpuCount());
    assertEquals(List.of(CpuSet.of(4, 6, 7), CpuSet.of(4, 6, 7)), xml.pinning(HOST));
  }

  @Test
  void ignoresTheVcpuElementsOfVcpusAndOtherNamespaces() {
    LibvirtDomainXml xml =
        LibvirtDomainXml.parse(
            "<domain xmlns:x='urn:x'><vcpu>2</vcpu>"
                + "<vcpus><vcpu id='0' enabled='yes'/><vcpu id='1' enabled='yes'/></vcpus>"
                + "<x:cputune><x:vcpupin vcpu='0' cpuset='5'/></x:cputune></domain>");
    assertEquals(List.of(HOST, HOST), xml.pinning(HOST));
  }

  @Test
  void readsEachInterfaceMacAndItsDeviceAndSkipsOnesWithoutAUsableMac() {
    LibvirtDomainXml xml =
        LibvirtDomainXml.parse(
            "<domain><vcpu>1</vcpu><devices>"
                + "<interface type='network'><mac address='52:54:00:AA:00:01'/>"
                + "<target dev='vnet4'/></interface>"
                + "<interface type='bridge'><mac address='52:54:00:aa:00:02'/></interface>"
                + "<interface type='user'><mac address='nonsense'/></interface>"
                + "<interface type='user'/>"
                + "<disk type='file'/></devices></domain>");
    assertEquals(
        List.of(
            new VmInterface(MacAddress.parse("52:54:00:aa:00:01"), "vnet4"),
            new VmInterface(MacAddress.parse("52:54:00:aa:00:02"), "")),
        xml.interfaces());
  }

  @Test
  void refusesDoctypesSoNoEntityIsEverResolved() {
    String evil =
        "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/hostname'>]>"
            + "<domain><vcpu>&x;</vcpu></domain>";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LibvirtDomainXml.parse(evil));
    assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
  }

  @Test
  void namesWhatIsMissingOrWrong() {
    assertEquals(
        "domain XML has no <vcpu> element",
        assertThrows(IllegalArgumentException.class, () -> LibvirtDomainXml.parse("<domain/>"))
            .getMessage());
    assertEquals(
        "not a libvirt domain XML: the root element is <network>",
        assertThrows(IllegalArgumentException.class, () -> LibvirtDomainXml.parse("<network/>"))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> LibvirtDomainXml.parse("<domain><vcpu>two</vcpu></domain>"))
            .getMessage()
            .contains("'two' is not a vCPU number"));
    assertThrows(IllegalArgumentException.class, () -> LibvirtDomainXml.parse("<domain>"));
  }
}
