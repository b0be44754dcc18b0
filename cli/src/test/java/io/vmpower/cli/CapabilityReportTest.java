package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilityReportTest {
  @TempDir Path dir;

  @Test
  void aPrivateFolderOwnedByRootIsReportedWithoutWarning() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    List<String> lines = CapabilityReport.channelDir(dir);
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(lines.get(0).contains("rwxr-x---"), lines::toString);
  }

  @Test
  void aWorldWritableFolderIsWarnedAbout() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> lines = CapabilityReport.channelDir(dir);
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("WARNING") && l.contains("world-writable")),
        lines::toString);
  }

  @Test
  void aFolderOwnedByAnotherUserIsWarnedAbout() throws Exception {
    Files.setOwner(
        dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    List<String> lines = CapabilityReport.channelDir(dir);
    assertTrue(lines.stream().anyMatch(l -> l.contains("owned by 'nobody'")), lines::toString);
  }

  @Test
  void aMissingFolderSaysHowToCreateIt() {
    List<String> lines = CapabilityReport.channelDir(dir.resolve("missing"));
    assertTrue(lines.get(0).contains("is missing: create it"), lines::toString);
  }

  @Test
  void energyCountersAreListedAndAnUnreadableOneIsAWarningNotAFailure() {
    io.vmpower.core.hal.EnergyCounters counters =
        new io.vmpower.core.hal.EnergyCounters() {
          @Override
          public String description() {
            return "powercap at /sys";
          }

          @Override
          public List<io.vmpower.core.hal.EnergyZone> zones() {
            return List.of(
                new io.vmpower.core.hal.EnergyZone(
                    "intel-rapl:0",
                    "package-0",
                    io.vmpower.core.hal.EnergyZone.Kind.PACKAGE,
                    0,
                    io.vmpower.core.cpu.CpuSet.of(0),
                    100,
                    null),
                new io.vmpower.core.hal.EnergyZone(
                    "intel-rapl:1",
                    "package-1",
                    io.vmpower.core.hal.EnergyZone.Kind.PACKAGE,
                    1,
                    io.vmpower.core.cpu.CpuSet.of(1),
                    100,
                    "cannot read /sys/class/powercap/intel-rapl:1/energy_uj: EACCES"));
          }

          @Override
          public long readMicrojoules(int zone) {
            return 0;
          }
        };
    assertEquals(
        List.of(
            "Energy counters: powercap at /sys",
            "  intel-rapl:0 package-0",
            "  WARNING: intel-rapl:1 (package-1) unreadable: cannot read"
                + " /sys/class/powercap/intel-rapl:1/energy_uj: EACCES"),
        CapabilityReport.energy(counters));
    assertEquals(
        List.of("Energy counters: none"),
        CapabilityReport.energy(io.vmpower.core.hal.EnergyCounters.NONE));
  }
}
