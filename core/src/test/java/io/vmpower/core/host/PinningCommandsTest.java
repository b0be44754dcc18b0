package io.vmpower.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.cpu.CpuSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** set_pcpu(_mask): checked before the hypervisor is asked; the registry follows the pinning. */
class PinningCommandsTest extends HostCommandsTestBase {

  @Test
  void setPcpuChecksTheVcpuAndThePcpus() throws Exception {
    vms.addVm("vm1");

    assertEquals(
        "vCPU 2 does not exist (VM 'vm1' has 2 vCPUs: 0-1)",
        failure(() -> pinning.setPcpus("vm1", 2, CpuSet.of(1))));
    assertEquals(
        "pCPU 12 does not exist (host has 8)",
        failure(() -> pinning.setPcpus("vm1", 0, CpuSet.of(3, 12))));
    assertEquals(
        "the pCPU mask is empty: name at least one pCPU",
        failure(() -> pinning.setPcpus("vm1", 0, CpuSet.empty())));

    assertEquals(0, hypervisor.pinCalls());
    assertEquals(List.of(CpuSet.of(0), CpuSet.of(1)), registry.find("vm1").orElseThrow().pinning());
  }

  @Test
  void setPcpuPinsAndTheRegistryFollows() throws Exception {
    vms.addVm("vm1");

    pinning.setPcpus("vm1", 1, CpuSet.of(5, 6));

    assertEquals(1, hypervisor.pinCalls());
    assertEquals(CpuSet.of(5, 6), registry.find("vm1").orElseThrow().pinning(1));
  }
}
