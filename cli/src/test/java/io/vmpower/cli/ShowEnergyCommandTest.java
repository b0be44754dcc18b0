package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmpower.core.energy.EnergyReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text of show_energy: zones, VM lines, unattributed joules, a failing attribution. */
class ShowEnergyCommandTest {
  @Test
  void showsVmsUnattributedJoulesAndAFailingAttribution() {
    EnergyReport r =
        new EnergyReport(
            "powercap at /sys",
            List.of(
                new EnergyReport.Zone("intel-rapl:0", "package-0", "package", 0, 120.5, null),
                new EnergyReport.Zone(
                    "intel-rapl:1", "package-1", "package", 1, 0, "EACCES (Permission denied)")),
            List.of(new EnergyReport.VmEnergy("db-1", 80.25), new EnergyReport.VmEnergy("web", 30)),
            List.of(new EnergyReport.PackageEnergy(0, 10.25)),
            new EnergyReport.Attribution(
                true, "libvirt bulk domain statistics", 12, 3, "cannot list VMs: connection lost"));
    assertEquals(
        List.of(
            "Energy counters: powercap at /sys",
            "ZONE               NAME             KIND                JOULES",
            "intel-rapl:0       package-0        package            120.500",
            "intel-rapl:1       package-1        package              0.000  (unreadable: EACCES"
                + " (Permission denied))",
            "VM                                                      JOULES",
            "db-1                                                    80.250",
            "web                                                     30.000",
            "(unattributed, package 0)                               10.250",
            "Attribution failing: cannot list VMs: connection lost (3 of 15 samples failed; their"
                + " energy waits for the next sample that can read the VMs)"),
        ShowEnergyCommand.lines(r));
  }

  @Test
  void saysWhenNothingWasAttributedYet() {
    EnergyReport r =
        new EnergyReport(
            "simulated energy model (1 package(s))",
            List.of(new EnergyReport.Zone("sim-rapl:0", "package-0", "package", 0, 0, null)),
            List.of(),
            List.of(),
            new EnergyReport.Attribution(true, "simulated", 1, 0, null));
    assertEquals("(nothing attributed yet)", ShowEnergyCommand.lines(r).get(4));
  }
}
