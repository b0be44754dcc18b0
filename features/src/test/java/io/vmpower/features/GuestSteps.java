package io.vmpower.features;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vmpower.core.power.ScaleOp;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.wire.PowerRequest;
import io.vmpower.core.wire.PowerRequestCodec;
import io.vmpower.core.wire.ReplyCodec;
import io.vmpower.core.wire.Wire;
import io.vmpower.core.wire.WireFormat;
import io.vmpower.hal.sim.SimulatedGuestPort;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;

/** Steps that play a guest writing raw requests to its simulated virtio-serial port. */
@ScenarioScoped
public final class GuestSteps {
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
  private final SimulatedWorld world;
  private byte[] lastRequest;

  @Inject
  public GuestSteps(SimulatedWorld world) {
    this.world = world;
  }

  private SimulatedGuestPort port(String vm, int channel) {
    return world.host().guestPort(vm, channel);
  }

  private static ScaleOp op(String words) {
    return ScaleOp.parse(words.trim().replace(' ', '_').toLowerCase(Locale.ROOT));
  }

  @When("the guest of {word} on channel {int} asks to scale {word} vCPU {long}")
  public void scale(String vm, int channel, String op, long vcpu) {
    send(vm, channel, PowerRequest.cpuPower(vcpu, op(op).unit()));
  }

  @When("the guest of {word} on channel {int} asks to {string} vCPU {long}")
  public void scaleWords(String vm, int channel, String op, long vcpu) {
    send(vm, channel, PowerRequest.cpuPower(vcpu, op(op).unit()));
  }

  @When(
      "the guest of {word} on channel {int} asks to scale {word} vCPU {long} in two parts of {int}"
          + " and {int} bytes")
  public void scaleSplit(String vm, int channel, String op, long vcpu, int first, int second) {
    port(vm, channel).splitDelivery(first, second);
    send(vm, channel, PowerRequest.cpuPower(vcpu, op(op).unit()));
  }

  @When("the guest of {word} on channel {int} asks to scale {word} physical core {long}")
  public void scalePhysical(String vm, int channel, String op, long core) {
    PowerRequest r = PowerRequest.cpuPower(core, op(op).unit());
    r.physicalCore = true;
    send(vm, channel, r);
  }

  @When("the guest of {word} on channel {int} sends command {int} for vCPU {long}")
  public void command(String vm, int channel, int command, long vcpu) {
    send(vm, channel, PowerRequest.of(command, vcpu));
  }

  @When("the guest of {word} on channel {int} queries the frequency list as VM {string}")
  public void queryFreqList(String vm, int channel, String claimedName) {
    PowerRequest r = PowerRequest.of(Wire.QUERY_FREQ_LIST, 0);
    r.vmName = claimedName;
    send(vm, channel, r);
  }

  @When("the guest of {word} on channel {int} queries the capabilities of vCPU {long}")
  public void queryCaps(String vm, int channel, long vcpu) {
    send(vm, channel, PowerRequest.of(Wire.QUERY_CAPS, vcpu));
  }

  private void send(String vm, int channel, PowerRequest r) {
    lastRequest = PowerRequestCodec.encode(r, WireFormat.DPDK);
    port(vm, channel).write(lastRequest);
  }

  private ReplyCodec.Reply reply(String vm, int channel, int size) throws Exception {
    return ReplyCodec.decode(port(vm, channel).readExactly(size, REPLY_TIMEOUT));
  }

  @Then("the guest of {word} on channel {int} receives an ACK")
  public void ack(String vm, int channel) throws Exception {
    byte[] bytes = port(vm, channel).readExactly(Wire.REQUEST_SIZE, REPLY_TIMEOUT);
    assertEquals(Wire.ACK, ReplyCodec.decode(bytes).command(), "reply command");
    byte[] expected = lastRequest.clone();
    expected[Wire.OFF_COMMAND] = Wire.ACK;
    assertArrayEquals(expected, bytes, "an ACK echoes the request with command 1");
  }

  @Then("the guest of {word} on channel {int} receives a NACK")
  public void nack(String vm, int channel) throws Exception {
    assertEquals(Wire.NACK, reply(vm, channel, Wire.REQUEST_SIZE).command(), "reply command");
  }

  @Then("the guest of {word} on channel {int} receives frequencies {string}")
  public void freqs(String vm, int channel, String list) throws Exception {
    ReplyCodec.Reply r = reply(vm, channel, Wire.FREQ_LIST_SIZE);
    StringBuilder sb = new StringBuilder();
    for (long f : r.freqs()) {
      sb.append(sb.length() == 0 ? "" : ",").append(f);
    }
    assertEquals(list, sb.toString(), "frequencies in the FREQ_LIST reply");
    assertEquals(vm, r.vmName(), "the reply names the channel's own VM");
  }

  @Then("the guest of {word} on channel {int} receives capabilities turbo {int} priority {int}")
  public void caps(String vm, int channel, int turbo, int priority) throws Exception {
    ReplyCodec.Reply r = reply(vm, channel, Wire.CAPS_LIST_SIZE);
    assertTrue(r.turbo().length >= 1, "entries");
    assertEquals(turbo == 1, r.turbo()[0], "turbo");
    assertEquals(priority == 1, r.priority()[0], "priority core");
  }

  @Then("the host has served {int} request(s) on {word} channel {int}")
  public void served(int n, String vm, int channel) {
    Channel c =
        world
            .app()
            .injector()
            .getInstance(io.vmpower.core.vm.VmRegistry.class)
            .find(vm)
            .orElseThrow()
            .channel(channel);
    await().atMost(REPLY_TIMEOUT).until(() -> c.stats().get(Counter.REQUESTS) >= n);
    await()
        .atMost(REPLY_TIMEOUT)
        .until(() -> c.stats().outcomes() == c.stats().get(Counter.REQUESTS));
    assertEquals(n, c.stats().get(Counter.REQUESTS), "requests read on " + c);
  }

  @Then("the guest of {word} on channel {int} receives no reply")
  public void noReply(String vm, int channel) throws Exception {
    assertEquals(0, port(vm, channel).read(new byte[1], Duration.ofMillis(200)), "bytes received");
  }

  @Then("the host counted {int} {word} on {word} channel {int}")
  public void counted(int n, String counter, String vm, int channel) {
    Channel c =
        world
            .app()
            .injector()
            .getInstance(io.vmpower.core.vm.VmRegistry.class)
            .find(vm)
            .orElseThrow()
            .channel(channel);
    Counter k = Counter.valueOf(counter.toUpperCase(Locale.ROOT));
    await().atMost(REPLY_TIMEOUT).until(() -> c.stats().get(k) >= n);
    assertEquals(n, c.stats().get(k), counter + " on " + c);
    assertTrue(c.stats().outcomes() <= c.stats().get(Counter.REQUESTS));
  }
}
