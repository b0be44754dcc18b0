package io.vmpower.hal.linux.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.hal.HypervisorEvent;
import org.junit.jupiter.api.Test;
import org.libvirt.event.DomainEventType;

class LibvirtSessionTest {

  @Test
  void mapsLifecycleEventsToWhatThePowerManagerNeeds() {
    assertEquals(
        new HypervisorEvent.VmStarted("vm1"),
        LibvirtSession.lifecycleEvent("vm1", DomainEventType.STARTED));
    assertEquals(
        new HypervisorEvent.VmStopped("vm1"),
        LibvirtSession.lifecycleEvent("vm1", DomainEventType.STOPPED));
    for (DomainEventType other :
        new DomainEventType[] {
          DomainEventType.DEFINED,
          DomainEventType.UNDEFINED,
          DomainEventType.SUSPENDED,
          DomainEventType.RESUMED,
          DomainEventType.CRASHED
        }) {
      assertEquals(
          new HypervisorEvent.VmChanged("vm1"), LibvirtSession.lifecycleEvent("vm1", other));
    }
  }
}
