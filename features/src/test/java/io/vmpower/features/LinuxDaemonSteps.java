package io.vmpower.features;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import io.vmpower.core.service.VmReconciler;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.VmRegistry;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The daemon on real components: libvirt's test driver with domain XML naming power channels. */
@ScenarioScoped
public final class LinuxDaemonSteps {
  private static final Duration PATIENCE = Duration.ofSeconds(15);
  private final LinuxHostWorld world;

  @Inject
  public LinuxDaemonSteps(LinuxHostWorld world) {
    this.world = world;
  }

  /**
   * Channel numbers "0,1" to sockets in the channel folder, or "N at PATH" (ELSEWHERE: a folder
   * beside it).
   */
  private Map<Integer, Path> channels(String vm, String list) {
    Map<Integer, Path> out = new TreeMap<>();
    for (String part : list.split(",")) {
      String p = part.trim();
      if (p.contains(" at ")) {
        String[] w = p.split(" at ");
        out.put(
            Integer.parseInt(w[0].trim()),
            Path.of(w[1].trim().replace("ELSEWHERE", world.dir().resolve("elsewhere").toString())));
      } else {
        out.put(Integer.parseInt(p), world.channels().resolve(vm + "." + p));
      }
    }
    return out;
  }

  @Given(
      "a libvirt test node with {word} VM {string} whose vCPUs are pinned to {string} and whose"
          + " XML names power channels {string}")
  public void domain(String state, String name, String pins, String list) {
    world.domain(
        name, state.equals("running"), Arrays.asList(pins.split(";")), channels(name, list));
  }

  @Given("the daemon runs on them with the configuration:")
  public void daemonRuns(String yaml) throws Exception {
    world.startDaemon(yaml);
  }

  @When("libvirt starts {word}")
  public void start(String vm) throws Exception {
    world.libvirt().domainLookupByName(vm).create();
  }

  @When("libvirt destroys {word}")
  public void destroy(String vm) throws Exception {
    world.libvirt().domainLookupByName(vm).destroy();
  }

  @When("libvirt undefines {word}")
  public void undefine(String vm) throws Exception {
    world.libvirt().domainLookupByName(vm).undefine();
  }

  @When("libvirt defines VM {string} pinned to {string} whose XML names power channels {string}")
  public void define(String name, String pins, String list) throws Exception {
    world
        .libvirt()
        .domainDefineXML(
            LinuxHostWorld.domainXml(
                name, false, Arrays.asList(pins.split(";")), channels(name, list)));
  }

  @Then("the daemon has channel {int} of {word} {word}")
  public void channelState(int n, String vm, String state) {
    VmRegistry registry = world.daemon().injector().getInstance(VmRegistry.class);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Channel c = registry.find(vm).map(v -> v.channel(n)).orElse(null);
              assertEquals(state, c == null ? "absent" : c.state().name(), vm + "." + n);
            });
  }

  @Then("the daemon manages VMs {string}")
  public void manages(String names) {
    List<String> want = names.isEmpty() ? List.of() : List.of(names.split(", "));
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertEquals(
                    want,
                    world.daemon().injector().getInstance(VmReconciler.class).managedNames()));
  }

  @Then("the daemon refuses for {word}: {string}")
  public void refuses(String vm, String text) {
    String expected = text.replace("ELSEWHERE", world.dir().resolve("elsewhere").toString());
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              List<String> refused =
                  world
                      .daemon()
                      .injector()
                      .getInstance(VmReconciler.class)
                      .refused()
                      .getOrDefault(vm, List.of());
              assertTrue(
                  refused.stream().anyMatch(r -> r.contains(expected)),
                  () -> "refused for " + vm + ": " + refused);
            });
  }

  @When("the daemon stops")
  public void stops() {
    assertEquals(null, world.daemon().shutdown(), "CPU settings restored");
  }
}
