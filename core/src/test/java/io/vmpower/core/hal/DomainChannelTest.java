package io.vmpower.core.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainChannelTest {

  @Test
  void aPortNameGivesItsChannelNumber() {
    assertEquals(0, DomainChannel.portNumber("virtio.serial.port.poweragent.0"));
    assertEquals(17, DomainChannel.portNumber("virtio.serial.port.poweragent.17"));
    assertEquals(999_999_999, DomainChannel.portNumber("virtio.serial.port.poweragent.999999999"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "virtio.serial.port.poweragent.",
        "virtio.serial.port.poweragent.x",
        "virtio.serial.port.poweragent.01",
        "virtio.serial.port.poweragent.-1",
        "virtio.serial.port.poweragent.1 ",
        "virtio.serial.port.poweragent.1.2",
        "virtio.serial.port.poweragent.1000000000",
        "virtio.serial.port.poweragent.\u0661"
      })
  void aMalformedNumberIsRefusedWithWhatIsAccepted(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DomainChannel.portNumber(name));
    assertTrue(
        e.getMessage().contains("virtio.serial.port.poweragent.N with N of 1 to 9 digits"),
        e.getMessage());
  }

  @Test
  void otherPortsAreNotPowerPorts() {
    assertFalse(DomainChannel.isPowerPort("org.qemu.guest_agent.0"));
    assertFalse(DomainChannel.isPowerPort(null));
    assertTrue(DomainChannel.isPowerPort("virtio.serial.port.poweragent.x"));
    assertThrows(
        IllegalArgumentException.class, () -> DomainChannel.portNumber("org.qemu.guest_agent.0"));
  }

  @Test
  void aDomainWithOnlyProblemsStillNamesPowerChannels() {
    assertFalse(DomainChannels.NONE.any());
    assertTrue(new DomainChannels(List.of(), List.of("port x malformed")).any());
    assertTrue(
        new DomainChannels(List.of(new DomainChannel(0, Path.of("/tmp/a"))), List.of()).any());
  }
}
