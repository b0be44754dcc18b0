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
import java.util.Map;

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

  /**
   * A PKT_POLICY built from a table of fields: {@code policy} (TRAFFIC, TIME, WORKLOAD,
   * BRANCH_RATIO or a number), {@code vcpus} (vcpu_to_control, also setting num_vcpu), {@code
   * num_vcpu}, {@code workload} (HIGH, MEDIUM, LOW or a number), {@code busy_hours}, {@code
   * quiet_hours}, {@code traffic_hours} (entries in order, e.g. {@code 17,18} or {@code 0,-1}),
   * {@code macs} (vfid, also setting nb_mac_to_monitor), {@code nb_mac}, {@code thresholds}
   * (min,avg,max), {@code core_type} (virtual or physical), {@code vm_name}.
   */
  @When("the guest of {word} on channel {int} sends the policy:")
  public void sendPolicy(String vm, int channel, Map<String, String> fields) {
    PowerRequest r = PowerRequest.of(Wire.PKT_POLICY, 0);
    r.vmName = vm;
    for (Map.Entry<String, String> f : fields.entrySet()) {
      String v = f.getValue().trim();
      switch (f.getKey().trim()) {
        case "policy" ->
            r.policyToUse =
                switch (v) {
                  case "TRAFFIC" -> 0;
                  case "TIME" -> 1;
                  case "WORKLOAD" -> 2;
                  case "BRANCH_RATIO" -> 3;
                  default -> Integer.parseInt(v);
                };
        case "vcpus" -> {
          String[] parts = v.split(",");
          for (int i = 0; i < parts.length; i++) {
            r.vcpuToControl[i] = (byte) Integer.parseInt(parts[i].trim());
          }
          r.numVcpu = parts.length;
        }
        case "num_vcpu" -> r.numVcpu = Integer.parseInt(v);
        case "workload" ->
            r.workload =
                switch (v) {
                  case "HIGH" -> 0;
                  case "MEDIUM" -> 1;
                  case "LOW" -> 2;
                  default -> Integer.parseInt(v);
                };
        case "busy_hours" -> hours(r.timerPolicy[0], v);
        case "quiet_hours" -> hours(r.timerPolicy[1], v);
        case "traffic_hours" -> hours(r.timerPolicy[2], v);
        case "macs" -> {
          String[] macs = v.split(",");
          for (int i = 0; i < macs.length; i++) {
            r.vfid[i] = io.vmpower.core.hal.MacAddress.parse(macs[i].trim()).toDpdkVfid();
          }
          r.nbMacToMonitor = macs.length;
        }
        case "nb_mac" -> r.nbMacToMonitor = Integer.parseInt(v);
        case "thresholds" -> {
          String[] t = v.split(",");
          for (int i = 0; i < 3; i++) {
            r.trafficPolicy[i] = (int) Long.parseLong(t[i].trim());
          }
        }
        case "core_type" -> r.physicalCore = v.equals("physical");
        case "vm_name" -> r.vmName = v;
        default -> throw new IllegalArgumentException("unknown policy field '" + f.getKey() + "'");
      }
    }
    send(vm, channel, r);
  }

  private static void hours(int[] list, String text) {
    String[] parts = text.split(",");
    for (int i = 0; i < parts.length; i++) {
      list[i] = Integer.parseInt(parts[i].trim());
    }
  }

  @When("the guest of {word} on channel {int} removes its policy")
  public void removePolicy(String vm, int channel) {
    send(vm, channel, PowerRequest.of(Wire.PKT_POLICY_REMOVE, 0));
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
