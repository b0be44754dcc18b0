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
}
