package io.vmpower.cli.manpage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmpower.cli.HostManual;
import io.vmpower.cli.guest.GuestManual;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** The man pages say what the command model says: every option, command and argument. */
class ManPagesTest {
  private static final String POM = System.getProperty("vmpower.pom.version");

  @TempDir Path dir;

  @Test
  void onePagePerProgramWithTheBuildsVersion() throws IOException {
    List<Path> files = ManPages.write(dir);
    assertEquals(
        List.of(dir.resolve("vm-power-mgr.adoc"), dir.resolve("guest-vm-power-mgr.adoc")), files);
    for (Path f : files) {
      String text = Files.readString(f);
      String name = f.getFileName().toString().replace(".adoc", "");
      assertTrue(text.contains("\n= " + name + "(1)\n"), name + ": title");
      assertFalse(POM == null || POM.isBlank(), "surefire passes the pom's version");
      assertTrue(text.contains("\n:mansource: vmpower " + POM + "\n"), name + ": version");
      assertTrue(text.contains("\n:manmanual: vmpower Manual\n"), name + ": manual");
      for (String section :
          List.of("Name", "Synopsis", "Description", "Options", "Commands", "Exit status")) {
        assertTrue(text.contains("\n== " + section + "\n"), name + ": section " + section);
      }
    }
  }

  @Test
  void everyOptionOfEachProgramIsOnItsPage() {
    for (ManPages.Page page : ManPages.pages()) {
      String text = ManPages.render(page);
      for (OptionSpec o : page.program().options()) {
        assertTrue(text.contains("*" + o.longestName() + "*"), page.name() + ": " + o);
        assertTrue(
            o.description().length > 0 && !o.description()[0].isBlank(),
            page.name() + ": option " + o.longestName() + " has no description");
      }
      for (String exit : page.program().usageMessage().exitCodeList().values()) {
        assertTrue(text.contains(exit), page.name() + ": exit status " + exit);
      }
    }
  }

  @Test
  void everyShellCommandAndArgumentIsOnItsProgramsPage() {
    for (ManPages.Page page : ManPages.pages()) {
      String text = ManPages.render(page);
      Map<String, CommandLine> commands = page.shell().subcommands();
      assertTrue(commands.containsKey("help") && commands.containsKey("quit"), page.name());
      for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
        CommandSpec c = e.getValue().getCommandSpec();
        assertTrue(text.contains("\n=== " + e.getKey() + "\n"), page.name() + ": " + e.getKey());
        assertTrue(
            text.contains("\n*" + e.getKey() + "*"),
            page.name() + ": synopsis of " + e.getKey() + " starts with its name");
        assertTrue(text.contains(c.usageMessage().description()[0]), e.getKey() + " description");
        for (PositionalParamSpec p : c.positionalParameters()) {
          assertTrue(
              p.description().length > 0 && !p.description()[0].isBlank(),
              page.name()
                  + ": argument "
                  + p.paramLabel()
                  + " of "
                  + e.getKey()
                  + " has no description (@Parameters(description = ...)): the manual shows"
                  + " it");
          assertTrue(text.contains(p.description()[0]), e.getKey() + " " + p.paramLabel());
        }
      }
    }
  }

  @Test
  void theHostPageHasTheCommandsTheHostRegisters() {
    String text = ManPages.render(ManPages.pages().get(0));
    for (String c : List.of("add_vm", "add_channels", "show_vm", "set_cpu_freq", "show_stats")) {
      assertTrue(text.contains("\n=== " + c + "\n"), c);
    }
    assertEquals("vm_power>", HostManual.prompt());
    assertEquals("vm_power(guest)>", GuestManual.prompt());
  }

  @Command(name = "frobnicate", description = "Frobnicates a widget.")
  static final class Frobnicate implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "WIDGET", description = "the widget to frobnicate")
    String widget;

    @Override
    public Integer call() {
      return 0;
    }
  }

  @Command(name = "secret", hidden = true, description = "Not for the manual.")
  static final class Secret implements Callable<Integer> {
    @Override
    public Integer call() {
      return 0;
    }
  }

  @Command(name = "shell")
  static final class Root {}

  @Test
  void aNewCommandShowsUpAndAHiddenOneDoesNot() {
    CommandLine shell = new CommandLine(new Root());
    shell.addSubcommand(new Frobnicate());
    shell.addSubcommand(new Secret());
    ManPages.Page page =
        new ManPages.Page("demo", HostManual.program(), shell.getCommandSpec(), "demo>", "x(1)");
    String text = ManPages.render(page);
    List<String> lines = new ArrayList<>(List.of(text.split("\n")));
    int at = lines.indexOf("=== frobnicate");
    assertTrue(at > 0, text);
    assertEquals("*frobnicate* _WIDGET_", lines.get(at + 2), text);
    assertTrue(text.contains("Frobnicates a widget."), text);
    assertTrue(text.contains("the widget to frobnicate"), text);
    assertFalse(text.contains("secret"), text);
    assertTrue(text.endsWith("== See also\n\nx(1)\n"), text);
  }
}
