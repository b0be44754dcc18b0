package io.vmpower.features;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vmpower.cli.HostMain;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control socket on real components: the host program with {@code --control-socket} on an
 * AF_UNIX socket, and clients that are the real {@code vm-power-mgr --connect} (the built jar) run
 * under another uid and groups by {@code setpriv}, so the kernel's SO_PEERCRED and the socket
 * file's permissions are the real ones.
 */
@ScenarioScoped
public final class RealControlSteps {
  private final LinuxHostWorld world;
  private Path socket;
  private int exit;
  private String out = "";
  private String err = "";

  @Inject
  public RealControlSteps(LinuxHostWorld world) {
    this.world = world;
  }

  @Given("the host runs with the Linux HAL on them and a control socket for group {string}")
  public void hostRuns(String group) throws IOException {
    socket = world.openFolder().resolve("control.sock");
    world.startHost("--control-socket", socket.toString(), "--control-group", group);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> world.out().contains("Control socket:") || world.exit().isDone());
    assertTrue(world.out().contains("Control socket: " + socket), () -> world.out() + world.err());
  }

  @Given(
      "the host runs with the Linux HAL on them, CPUs {string} dedicated to VMs and a control"
          + " socket for group {string}")
  public void hostRunsDedicated(String cpus, String group) throws IOException {
    socket = world.openFolder().resolve("control.sock");
    world.startHost(
        "--control-socket", socket.toString(), "--control-group", group, "--dedicated-cpus", cpus);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> world.out().contains("Control socket:") || world.exit().isDone());
    assertTrue(world.out().contains("Control socket: " + socket), () -> world.out() + world.err());
  }

  /**
   * Runs packaging/libvirt-qemu-hook as libvirtd runs it before QEMU starts ({@code qemu VM prepare
   * begin -}, the domain XML on standard input), with the built vm-power-mgr as its program.
   */
  @When("libvirt's qemu hook prepares VM {string} whose vCPUs are pinned to {string}")
  public void hookPrepares(String vm, String pins) throws Exception {
    String[] sets = pins.split(";");
    StringBuilder xml = new StringBuilder("<domain type='kvm'>\n  <name>" + vm + "</name>\n");
    xml.append("  <vcpu placement='static'>").append(sets.length).append("</vcpu>\n");
    xml.append("  <cputune>\n");
    for (int v = 0; v < sets.length; v++) {
      xml.append("    <vcpupin vcpu='").append(v).append("' cpuset='").append(sets[v]);
      xml.append("'/>\n");
    }
    xml.append("  </cputune>\n</domain>\n");
    Path mgr = world.openFolder().resolve("vm-power-mgr");
    Files.writeString(
        mgr,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -Djava.io.tmpdir=/tmp -jar '"
            + hostJar()
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(mgr, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb =
        new ProcessBuilder("sh", QemuHookTest.HOOK.toString(), vm, "prepare", "begin", "-");
    pb.environment().put("VMPOWER_MGR", mgr.toString());
    pb.environment().put("VMPOWER_CONTROL_SOCKET", socket.toString());
    pb.environment().put("VMPOWER_HOOK_TIMEOUT", "60");
    Process p = pb.start();
    p.getOutputStream().write(xml.toString().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the hook did not finish");
    exit = p.exitValue();
    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Then("the cpufreq tree comes to have cpu{int} at {long} kHz")
  public void treeComesTo(int cpu, long khz) {
    Path f = world.sys().resolve("devices/system/cpu/cpu" + cpu + "/cpufreq/scaling_setspeed");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Files.readString(f).trim().equals(Long.toString(khz)));
  }

  @Given("the control socket's mode is {word}")
  public void chmod(String mode) throws IOException {
    Files.setPosixFilePermissions(
        socket, PosixFilePermissions.fromString(symbolic(Integer.parseInt(mode, 8))));
  }

  private static String symbolic(int bits) {
    String all = "rwxrwxrwx";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      b.append((bits & (1 << (8 - i))) != 0 ? all.charAt(i) : '-');
    }
    return b.toString();
  }

  @Then("the control socket's mode is {word} with group {string}")
  public void mode(String mode, String group) throws IOException {
    assertEquals(
        symbolic(Integer.parseInt(mode, 8)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    assertEquals(
        group,
        Files.readAttributes(socket, java.nio.file.attribute.PosixFileAttributes.class)
            .group()
            .getName());
  }

  @When("a client run as uid {int} with no groups runs {string} through the control socket")
  public void noGroups(int uid, String line) throws Exception {
    client(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"), line);
  }

  @When(
      "a client run as uid {int} with supplementary group {int} runs {string} through the control socket")
  public void withGroup(int uid, int gid, String line) throws Exception {
    client(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--groups=" + gid), line);
  }

  @When("root runs {string} through the control socket")
  public void root(String line) throws Exception {
    client(List.of(), line);
  }

  private void client(List<String> as, String line) throws Exception {
    List<String> cmd = new ArrayList<>(as);
    cmd.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.io.tmpdir=/tmp",
            "-jar",
            hostJar().toString(),
            "--connect",
            socket.toString(),
            "-c",
            line));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the client did not finish");
    exit = p.exitValue();
    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** cli/target/vm-power-mgr.jar, built by the reactor's package phase before these tests. */
  private static Path hostJar() throws URISyntaxException {
    Path classes =
        Path.of(HostMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = classes.getParent().resolve("vm-power-mgr.jar");
    assertTrue(
        Files.isRegularFile(jar), () -> "no host jar at " + jar + ": run the build with -am");
    return jar;
  }

  @Then("the client exits with status {int}")
  public void exits(int code) {
    assertEquals(code, exit, () -> "client out:\n" + out + "\nclient err:\n" + err);
  }

  @Then("the client prints {string}")
  public void prints(String text) {
    assertTrue(out.contains(text), () -> "client out:\n" + out + "\nclient err:\n" + err);
  }

  @Then("the client reports {string}")
  public void reports(String text) {
    assertTrue(err.contains(text), () -> "client err:\n" + err + "\nclient out:\n" + out);
  }
}
