package io.vmpower.hal.linux.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcPeerGroupsTest {
  @TempDir Path proc;

  @Test
  void readsTheGroupsLineOfTheProcessStatus() throws IOException {
    Files.createDirectories(proc.resolve("42"));
    Files.writeString(
        proc.resolve("42/status"),
        "Name:\tvm-power-mgr\nUid:\t1000\t1000\t1000\t1000\nGroups:\t4 27 995 \nNgid:\t0\n");
    assertEquals(Optional.of(Set.of(4L, 27L, 995L)), new ProcPeerGroups(proc).of(42));
  }

  @Test
  void noGroupsIsAnEmptySetAndAMissingProcessIsUnknown() throws IOException {
    Files.createDirectories(proc.resolve("7"));
    Files.writeString(proc.resolve("7/status"), "Name:\tx\nGroups:\t\n");
    assertEquals(Optional.of(Set.of()), new ProcPeerGroups(proc).of(7));
    assertTrue(new ProcPeerGroups(proc).of(8).isEmpty());
    assertTrue(new ProcPeerGroups(proc).of(-1).isEmpty());
  }
}
