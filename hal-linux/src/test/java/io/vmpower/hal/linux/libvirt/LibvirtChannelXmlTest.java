package io.vmpower.hal.linux.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LibvirtChannelXmlTest {
  private static String domain(String devices) {
    return "<domain type='kvm'><name>vm1</name><vcpu>1</vcpu><devices>"
        + devices
        + "</devices></domain>";
  }

  private static String channel(String type, String mode, String path, String port) {
    return "<channel type='"
        + type
        + "'>"
        + (path == null ? "" : "<source mode='" + mode + "' path='" + path + "'/>")
        + "<target type='virtio' name='"
        + port
        + "'/></channel>";
  }

  @Test
  void readsEveryPowerChannelAndIgnoresOtherChannels() {
    DomainChannels c =
        LibvirtChannelXml.parse(
            domain(
                channel(
                        "unix",
                        "bind",
                        "/tmp/powermonitor/vm1.1",
                        "virtio.serial.port.poweragent.1")
                    + channel(
                        "unix",
                        "bind",
                        "/var/lib/libvirt/qemu/channel/target/domain-1-vm1/ga",
                        "org.qemu.guest_agent.0")
                    + "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/>"
                    + "</channel>"
                    + channel(
                        "unix",
                        "bind",
                        "/tmp/powermonitor/./vm1.0",
                        "virtio.serial.port.poweragent.0")
                    + "<console type='pty'><target type='serial' port='0'/></console>"));
    assertEquals(
        List.of(
            new DomainChannel(0, Path.of("/tmp/powermonitor/vm1.0")),
            new DomainChannel(1, Path.of("/tmp/powermonitor/vm1.1"))),
        c.channels());
    assertEquals(List.of(), c.problems());
  }

  @Test
  void aDomainWithoutDevicesOrPowerChannelsHasNone() {
    assertEquals(
        DomainChannels.NONE,
        LibvirtChannelXml.parse("<domain type='kvm'><name>a</name><vcpu>1</vcpu></domain>"));
    assertEquals(
        DomainChannels.NONE,
        LibvirtChannelXml.parse(
            domain(channel("unix", "bind", "/tmp/x", "org.qemu.guest_agent.0"))));
  }

  @Test
  void everyUnusablePowerChannelIsReportedAndTheRestKept() {
    DomainChannels c =
        LibvirtChannelXml.parse(
            domain(
                channel("unix", "bind", "/tmp/p/vm1.0", "virtio.serial.port.poweragent.0")
                    + channel("unix", "bind", "/tmp/p/vm1.x", "virtio.serial.port.poweragent.x")
                    + channel("unix", "bind", "/tmp/p/vm1.01", "virtio.serial.port.poweragent.01")
                    + channel("pty", "bind", "/dev/pts/3", "virtio.serial.port.poweragent.2")
                    + channel("unix", "connect", "/tmp/p/vm1.3", "virtio.serial.port.poweragent.3")
                    + channel("unix", null, null, "virtio.serial.port.poweragent.4")
                    + channel("unix", "bind", "p/vm1.5", "virtio.serial.port.poweragent.5")
                    + channel("unix", "bind", "/tmp/q/vm1.0", "virtio.serial.port.poweragent.0")
                    + "<channel type='unix'><source mode='bind' path='/tmp/p/vm1.6'/>"
                    + "<target type='guestfwd' name='virtio.serial.port.poweragent.6'/></channel>"));
    assertEquals(List.of(new DomainChannel(0, Path.of("/tmp/p/vm1.0"))), c.channels());
    List<String> p = c.problems();
    assertEquals(8, p.size(), p.toString());
    assertTrue(p.get(0).contains("'virtio.serial.port.poweragent.x' has no valid channel number"));
    assertTrue(p.get(1).contains("'virtio.serial.port.poweragent.01' has no valid channel number"));
    assertTrue(p.get(2).contains("is a channel of type 'pty'"), p.get(2));
    assertTrue(p.get(3).contains("has mode 'connect': QEMU must listen"), p.get(3));
    assertTrue(p.get(4).contains("has no socket path yet"), p.get(4));
    assertTrue(p.get(5).contains("has a relative socket path 'p/vm1.5'"), p.get(5));
    assertEquals(
        "port 'virtio.serial.port.poweragent.0' at /tmp/q/vm1.0 is channel 0 again (kept the"
            + " first, at /tmp/p/vm1.0)",
        p.get(6));
    assertTrue(p.get(7).contains("has target type 'guestfwd'"), p.get(7));
  }

  @Test
  void notADomainIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> LibvirtChannelXml.parse("<network/>"));
    assertThrows(IllegalArgumentException.class, () -> LibvirtChannelXml.parse("<domain>"));
  }
}
