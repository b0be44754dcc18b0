package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * packaging/libvirt-qemu-hook, run as libvirtd runs it (the domain XML on standard input), with a
 * stand-in for vm-power-mgr that records its arguments: in the prepare phase it asks the host to
 * raise the CPUs the XML pins the vCPUs to, never calling libvirt, and never fails the start.
 */
class QemuHookTest {
  static final Path HOOK = Path.of("..", "packaging", "libvirt-qemu-hook").toAbsolutePath();

  @TempDir Path dir;
  Path mgr;
  Path recorded;

  @BeforeEach
  void standIn() throws IOException {
    recorded = dir.resolve("args");
    mgr = dir.resolve("vm-power-mgr");
    Files.writeString(
        mgr, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + recorded + "'\nexit \"${FAKE_EXIT:-0}\"\n");
    Files.setPosixFilePermissions(mgr, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  int hook(String xml, String exit, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("sh", HOOK.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("VMPOWER_MGR", mgr.toString());
    pb.environment().put("VMPOWER_CONTROL_SOCKET", dir.resolve("control.sock").toString());
    pb.environment().put("FAKE_EXIT", exit);
    Process p = pb.start();
    p.getOutputStream().write(xml.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the hook ended");
    return p.exitValue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "<domain><vcpu placement='static'>2</vcpu><cputune><vcpupin vcpu='0' cpuset='4'/><vcpupin vcpu='1' cpuset='5-6'/></cputune></domain>|4,5-6",
        "<domain>\\n  <vcpu placement='static' cpuset='4-7'>2</vcpu>\\n</domain>|4-7",
        "<domain><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='4'/></cputune></domain>|all",
        "<domain><vcpu current='1'>4</vcpu><cputune><vcpupin vcpu='0' cpuset='3'/></cputune></domain>|3",
        "<domain><vcpu>1</vcpu></domain>|all",
        "<domain><vcpu cpuset='0-3,^2'>1</vcpu></domain>|all",
      })
  void inThePreparePhaseItPassesTheCpusOfTheXml(String xml, String cpus) throws Exception {
    assertEquals(0, hook(xml.replace("\\n", "\n"), "0", "vm1", "prepare", "begin", "-"));
    assertEquals(
        List.of(
            "--connect", dir.resolve("control.sock").toString(), "-c", "prepare_vm vm1 " + cpus),
        Files.readAllLines(recorded));
  }

  @Test
  void otherPhasesDoNothing() throws Exception {
    assertEquals(0, hook("<domain/>", "0", "vm1", "start", "begin", "-"));
    assertEquals(0, hook("<domain/>", "0", "vm1", "prepare", "end", "-"));
    assertFalse(Files.exists(recorded), "vm-power-mgr was not run");
  }

  @Test
  void aHostThatCannotBeReachedNeverFailsTheStart() throws Exception {
    assertEquals(0, hook("<domain><vcpu>1</vcpu></domain>", "1", "vm1", "prepare", "begin", "-"));
    assertTrue(Files.exists(recorded), "it tried");
  }
}
