package io.vmpower.features;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.After;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The host on real components, as an operator and a guest use it. */
@ScenarioScoped
public final class LinuxHostSteps {
  private static final long[] TABLE = {
    2601000, 2600000, 2400000, 2200000, 2000000, 1800000, 1600000, 1400000, 1200000
  };
  private final LinuxHostWorld world;
  private byte[] lastRequest;

  @Inject
  public LinuxHostSteps(LinuxHostWorld world) {
    this.world = world;
  }

  @After("@real")
  public void close() throws IOException {
    world.close();
  }

  @Given("a libvirt test node with running VM {string} whose vCPUs are pinned to {string}")
  public void runningVm(String name, String pins) {
    world.domain(name, true, Arrays.asList(pins.split(";")));
  }

  @Given("a libvirt test node with shut-off VM {string} whose vCPUs are pinned to {string}")
  public void shutOffVm(String name, String pins) {
    world.domain(name, false, Arrays.asList(pins.split(";")));
  }

  @Given("a cpufreq tree of {int} acpi-cpufreq CPUs with governor {string} at {long} kHz")
  public void tree(int n, String governor, long khz) throws IOException {
    world.acpiTree(n, governor, TABLE, khz);
  }

  @Given("QEMU listens on channel {int} of {word}")
  public void listens(int n, String vm) throws IOException {
    world.qemuListens(vm, n);
  }

  @Given("the host runs with the Linux HAL on them")
  public void hostRuns() throws IOException {
    world.startHost();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> world.out().contains("Channel folder") || world.exit().isDone());
    assertTrue(world.out().contains("Hypervisor: libvirt"), () -> world.out() + world.err());
  }

  @When("I type {string} at the host")
  public void type(String line) throws IOException {
    world.type(line);
  }

  @Then("the host prints {string}")
  public void prints(String text) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> world.out().contains(text) || world.exit().isDone());
    assertTrue(world.out().contains(text), () -> "host output:\n" + world.out() + world.err());
  }

  @Then("the host reports the error {string}")
  public void reportsError(String text) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> world.err().contains(text) || world.exit().isDone());
    assertTrue(world.err().contains(text), () -> "host errors:\n" + world.err());
  }

  @Then("the host attaches channel {int} of {word}")
  public void attaches(int n, String vm) throws IOException {
    SocketChannel c = world.acceptHost(vm, n);
    assertTrue(c.isConnected());
  }

  @When("the guest on channel {int} of {word} asks to scale {word} vCPU {long}")
  public void scale(int n, String vm, String op, long vcpu) throws IOException {
    lastRequest =
        PowerRequestCodec.encode(
            PowerRequest.cpuPower(vcpu, ScaleOp.parse(op.toLowerCase(Locale.ROOT)).unit()),
            WireFormat.DPDK);
    ByteBuffer b = ByteBuffer.wrap(lastRequest);
    while (b.hasRemaining()) {
      world.guest(vm, n).write(b);
    }
  }

  @Then("the guest on channel {int} of {word} reads an {word}")
  public void reads(int n, String vm, String what) throws Exception {
    ByteBuffer reply = ByteBuffer.allocate(Wire.REQUEST_SIZE);
    SocketChannel c = world.guest(vm, n);
    java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                while (reply.hasRemaining() && c.read(reply) >= 0) {
                  // until 464 bytes
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .get(10, TimeUnit.SECONDS);
    byte[] expected = lastRequest.clone();
    expected[Wire.OFF_COMMAND] = (byte) ("ACK".equals(what) ? Wire.ACK : Wire.NACK);
    assertArrayEquals(expected, reply.array(), "reply to the request");
  }

  @Then("the cpufreq tree has cpu{int} at {long} kHz with governor {string}")
  public void treeHas(int cpu, long khz, String governor) throws IOException {
    Path f = world.sys().resolve("devices/system/cpu/cpu" + cpu + "/cpufreq");
    assertEquals(Long.toString(khz), Files.readString(f.resolve("scaling_setspeed")).trim());
    assertEquals(governor, Files.readString(f.resolve("scaling_governor")).trim());
  }

  @Then("the cpufreq tree of cpu{int} was not written")
  public void notWritten(int cpu) throws IOException {
    Path rel = Path.of("devices/system/cpu/cpu" + cpu + "/cpufreq/scaling_setspeed");
    assertEquals(
        world.treeBefore().get(rel), Files.readString(world.sys().resolve(rel)), "cpu" + cpu);
  }

  @Then("the host exits with status {int}")
  public void exits(int status) throws Exception {
    assertEquals(status, world.exit().get(20, TimeUnit.SECONDS), () -> world.err());
  }

  @Then("the cpufreq tree is exactly as before the host started")
  public void treeRestored() throws IOException {
    assertEquals(world.treeBefore(), LinuxHostWorld.snapshot(world.sys()));
  }

  @When("QEMU stops and removes the socket of channel {int} of {word}")
  public void qemuStops(int n, String vm) throws IOException {
    world.qemuStops(vm, n);
  }

  @Then("the host re-attaches channel {int} of {word} by itself")
  public void reattaches(int n, String vm) throws Exception {
    java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return world.acceptHost(vm, n);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .get(15, TimeUnit.SECONDS);
  }

  @Given("the channel folder is removed")
  public void channelFolderRemoved() throws IOException {
    try (var files = Files.list(world.channels())) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(world.channels());
  }

  @Then("typing {string} at the host eventually prints {string}")
  public void eventuallyPrints(String line, String text) {
    int before = world.out().length();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              world.type(line);
              return world.out().substring(before).contains(text) || world.exit().isDone();
            });
    assertTrue(world.out().substring(before).contains(text), () -> world.out() + world.err());
  }
}
