package io.vmpower.features.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostApp;
import io.vmpower.core.config.HostConfig;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.Vm;
import io.vmpower.core.vm.VmRegistry;
import io.vmpower.hal.sim.Scenario;
import io.vmpower.hal.sim.SimulatedHalModule;
import io.vmpower.hal.sim.SimulatedHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever line an operator types at {@code vm_power>} on a simulated host: the shell never throws,
 * answers 0, 1 or 2, prints no stack trace, and a line that fails with an error changes nothing
 * (the VM registry, every CPU's frequency and turbo, every vCPU's pinning). Lines come from a
 * grammar of near misses (the real command words and misspellings, numbers with signs, spaces,
 * {@code 0x} without digits, huge values, other scripts' digits, quotes, option-like words) and
 * from arbitrary text.
 */
class HostCliPropertiesTest {
  /** Commands that report per item and answer 1 when one item failed, having done the rest. */
  private static final Set<String> PER_ITEM =
      Set.of("add_channels", "rm_channels", "set_cpu_freq", "set_cpu_freq_mask");

  private Path dir;
  private SimulatedHost sim;
  private HostApp app;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeProperty
  void startHost() throws IOException {
    dir = Files.createTempDirectory("vmpower-cli-props-");
    sim = new SimulatedHost(Scenario.defaultScenario(), dir);
    app =
        new HostApp(
                HostConfig.defaults(dir),
                new SimulatedHalModule(sim),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .start();
    for (String line :
        List.of(
            "add_vm vm1",
            "add_channels vm1 all",
            "add_vm vm2",
            "add_channels vm2 0-1",
            "set_query vm2 enable")) {
      assertEquals(0, run(line), () -> line + ": " + err);
    }
  }

  @AfterProperty
  void stopHost() throws IOException {
    app.shutdown();
    sim.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private int run(String line) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return app.execute(line);
  }

  @Property(tries = 1000)
  void aNearMissLineNeverThrowsAndAFailedOneChangesNothing(@ForAll("nearMissLines") String line) {
    Statistics.collect(check(line));
    // the grammar must reach every outcome, or the property proves little
    Statistics.coverage(
        c -> {
          c.check(0).percentage(p -> p > 3);
          c.check(1).percentage(p -> p > 10);
          c.check(2).percentage(p -> p > 10);
        });
  }

  @Property(tries = 300)
  void anyTextNeverThrowsAndAFailedOneChangesNothing(@ForAll("anyText") String line) {
    check(line);
  }

  @Example
  void anAtFileIsAWordNotAFileToRead() throws IOException {
    Path file = Files.writeString(dir.resolve("names"), "vm2\n");

    assertEquals(1, run("show_vm @" + file));

    assertTrue(err.toString().contains("Unknown VM '@" + file + "'"), err::toString);
  }

  /** Runs the line, checks the properties, returns its exit code. */
  private int check(String line) {
    Snapshot before = snapshot();
    int code = run(line);
    String o = out.toString();
    String e = err.toString();
    Snapshot after = snapshot();

    assertTrue(code >= 0 && code <= 2, () -> "exit code " + code + " for '" + line + "'");
    assertFalse(
        (o + e).contains("Exception") || (o + e).contains("\tat "),
        () -> "a stack trace for '" + line + "': " + o + e);
    if (code == 0) {
      return code;
    }
    if (o.isEmpty()) {
      assertFalse(e.isBlank(), () -> "'" + line + "' failed without saying why");
      assertEquals(before, after, () -> "'" + line + "' failed (" + e.strip() + ") yet changed");
    } else {
      String word = line.strip().split("\\s+")[0];
      assertTrue(
          PER_ITEM.contains(word),
          () -> "'" + line + "' failed with output, which only per-item commands do: " + o + e);
    }
    return code;
  }

  // ---- what a failed line must leave alone

  record Snapshot(List<String> registry, List<String> cpus, List<String> pinning) {}

  private Snapshot snapshot() {
    List<String> registry = new ArrayList<>();
    for (Vm vm : app.injector().getInstance(VmRegistry.class).all()) {
      StringBuilder sb = new StringBuilder(vm.name() + " query=" + vm.queryEnabled());
      for (Channel c : vm.channels().values()) {
        sb.append(' ').append(c.number()).append(c.stateMachine().enabled() ? "+" : "-");
      }
      registry.add(sb.toString());
    }
    List<String> cpus = new ArrayList<>();
    for (int c = 0; c < sim.cpuCount(); c++) {
      cpus.add(c + ":" + sim.frequencyIndex(c) + (sim.turboEnabled(c) ? "T" : "t"));
    }
    List<String> pinning = new ArrayList<>();
    for (String vm : sim.vmNames()) {
      int vcpus = 0;
      while (true) {
        try {
          pinning.add(vm + "." + vcpus + "=" + sim.pinning(vm, vcpus).toListString());
        } catch (IllegalArgumentException end) {
          break;
        }
        vcpus++;
      }
    }
    return new Snapshot(registry, cpus, pinning);
  }

  // ---- generators

  /**
   * Each command and the kind of each of its words: V a VM, N a number, M a mask, L a channel list,
   * S a scaling, E enable/disable, T enabled/disabled, C a command name.
   */
  private static final Map<String, String> COMMANDS =
      Map.ofEntries(
          Map.entry("add_vm", "V"),
          Map.entry("rm_vm", "V"),
          Map.entry("show_vm", "V"),
          Map.entry("show_vms", ""),
          Map.entry("set_query", "VE"),
          Map.entry("add_channels", "VL"),
          Map.entry("rm_channels", "VL"),
          Map.entry("set_channel_status", "VLT"),
          Map.entry("set_pcpu_mask", "VNM"),
          Map.entry("set_pcpu", "VNN"),
          Map.entry("show_cpu_freq", "N"),
          Map.entry("show_cpu_freq_mask", "M"),
          Map.entry("set_cpu_freq", "NS"),
          Map.entry("set_cpu_freq_mask", "MS"),
          Map.entry("show_cpus", ""),
          Map.entry("show_stats", ""),
          Map.entry("help", "C"));

  private static final String[] NEAR_COMMANDS = {
    "add_vms",
    "Add_vm",
    "SHOW_VM",
    "show-vm",
    "set_cpu_freqs",
    "set_cpu",
    "",
    "#",
    "exit",
    "q",
    "show_cpu_freq_mask_",
    "help me",
    "--help",
    "-h",
    "@cmds",
    "set_pcpu_mask\u00A0"
  };

  private static final String[] ODD_WORDS = {
    "",
    "''",
    "\"\"",
    "-x",
    "--",
    "--help",
    "-1",
    "@/etc/hostname",
    "\\",
    "'",
    "\"",
    "#",
    ";",
    "|",
    "$HOME",
    "`id`",
    "vm1;rm_vm vm1",
    "\t",
    "'two words'"
  };

  private static final char[] NUMBER_NOISE = {
    '0', '1', '2', '3', '7', '9', 'a', 'c', 'F', 'g', 'x', 'X', '-', '+', ',', '_', '.', ' ',
    '\u0663', '\u0966', '\uFF11', '\uFF21', '\u00B2'
  };

  private static Arbitrary<String> word(char kind) {
    Arbitrary<String> right =
        switch (kind) {
          case 'V' ->
              Arbitraries.of(
                  "vm1", "vm2", "vm3", "vm4", "VM1", "vm1/..", "../vm1", "'vm 1'", "\"vm2\"", "v");
          case 'N' -> numbers();
          case 'M' -> numbers();
          case 'L' ->
              Arbitraries.oneOf(numbers(), Arbitraries.of("all", "ALL", "al", "0,1", "1-0"));
          case 'S' ->
              Arbitraries.of(
                  "up",
                  "down",
                  "min",
                  "max",
                  "enable_turbo",
                  "disable_turbo",
                  "UP",
                  "Up",
                  "turbo",
                  "up_");
          case 'E' -> Arbitraries.of("enable", "disable", "Enable", "enabled", "on");
          case 'T' -> Arbitraries.of("enabled", "disabled", "Enabled", "enable", "off");
          default -> Arbitraries.oneOf(Arbitraries.of(COMMANDS.keySet()), Arbitraries.of("quit_"));
        };
    return Arbitraries.frequencyOf(
        Tuple.of(8, right),
        Tuple.of(1, Arbitraries.of(ODD_WORDS)),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(6)));
  }

  @Provide
  Arbitrary<String> nearMissLines() {
    Arbitrary<String> separator = Arbitraries.of(" ", " ", " ", "  ", "\t", " \u00A0");
    Arbitrary<List<String>> words =
        Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(COMMANDS.keySet())),
                Tuple.of(1, Arbitraries.of(NEAR_COMMANDS)))
            .flatMap(
                c -> {
                  String kinds = COMMANDS.getOrDefault(c, "NN");
                  Arbitrary<List<String>> args =
                      kinds.isEmpty()
                          ? Arbitraries.just(List.<String>of())
                          : Combinators.combine(
                                  kinds.chars().mapToObj(k -> word((char) k)).toList())
                              .as(List::copyOf);
                  Arbitrary<List<String>> wrongCount = word('N').list().ofMaxSize(4);
                  return Arbitraries.frequencyOf(Tuple.of(6, args), Tuple.of(1, wrongCount))
                      .map(
                          a -> {
                            List<String> all = new ArrayList<>();
                            all.add(c);
                            all.addAll(a);
                            return all;
                          });
                });
    return words.flatMap(
        w ->
            separator
                .list()
                .ofSize(w.size())
                .map(
                    seps -> {
                      StringBuilder sb = new StringBuilder(w.get(0));
                      for (int i = 1; i < w.size(); i++) {
                        sb.append(seps.get(i)).append(w.get(i));
                      }
                      return sb.toString();
                    }));
  }

  /** Numbers, masks and lists, right and nearly right. */
  private static Arbitrary<String> numbers() {
    Arbitrary<String> right =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 9).map(String::valueOf),
            Arbitraries.integers().between(0, 255).map(i -> "0x" + Integer.toHexString(i)),
            Arbitraries.of("0-1", "0,1", "0-3", "1-0", "0x0-0x1", "63", "64", "4095", "0x"));
    Arbitrary<String> huge =
        Arbitraries.of(
            "2147483647",
            "2147483648",
            "4294967296",
            "1048576",
            "1048577",
            "0x7fffffff",
            "0x80000000",
            "0xffffffffffffffffffff",
            "99999999999999999999",
            "0-2147483647",
            "2147483646-2147483647",
            "0x1" + "0".repeat(300));
    Arbitrary<String> noise =
        Arbitraries.strings().withChars(NUMBER_NOISE).ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> mutated =
        right.flatMap(
            r ->
                Arbitraries.of(NUMBER_NOISE)
                    .flatMap(
                        ch ->
                            Arbitraries.integers()
                                .between(0, r.length())
                                .map(i -> r.substring(0, i) + ch + r.substring(i))));
    return Arbitraries.oneOf(right, huge, noise, mutated);
  }

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(60),
        Arbitraries.strings().all().ofMaxLength(20),
        Arbitraries.of(COMMANDS)
            .flatMap(c -> Arbitraries.strings().ofMaxLength(30).map(s -> c + " " + s)));
  }
}
