package io.vmpower.cli.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.vmpower.cli.shell.ShellRunner;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.guest.Environment;
import io.vmpower.guest.PowerLibrary;
import io.vmpower.guest.PowerResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;

/** The guest shell's interactive side: prompt, help and completion. */
class GuestShellTest {
  private final PowerLibrary library = mock(PowerLibrary.class);

  private ShellRunner shell() {
    return new ShellRunner(GuestShell.commands(library), GuestShell.PROMPT);
  }

  @Test
  void theInteractiveShellPromptsAndRunsCommands() throws IOException {
    when(library.environment()).thenReturn(Environment.VM);
    when(library.scale(0, io.vmpower.core.power.ScaleOp.UP)).thenReturn(PowerResult.ack());
    ByteArrayInputStream in =
        new ByteArrayInputStream(
            "help\nset_cpu_freq 0 up\nquit\n".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream screen = new ByteArrayOutputStream();

    try (DumbTerminal terminal =
        new DumbTerminal("test", "dumb", in, screen, StandardCharsets.UTF_8)) {
      assertEquals(0, shell().runInteractive(terminal, null));
    }

    String text = screen.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("vm_power(guest)> "), text);
    assertTrue(text.contains("set_cpu_freq"), text);
    assertTrue(text.contains("ACK received for message sent to host."), text);
  }

  @Test
  void lcoresAreCompletedFromTheLcoresInitialisedNow() {
    when(library.lcores()).thenReturn(CpuSet.of(0, 2));
    ShellRunner shell = shell();

    assertEquals(List.of("0", "2"), complete(shell, "set_cpu_freq "));
    assertEquals(List.of("0", "2", "all"), complete(shell, "query_cpu_caps "));
    when(library.lcores()).thenReturn(CpuSet.of(0, 2, 3));
    assertEquals(List.of("0", "2", "3", "all"), complete(shell, "query_cpu_freq "));
    assertEquals(List.of("enable_turbo"), complete(shell, "set_cpu_freq 0 en"));
    assertEquals(List.of("query_cpu_caps", "query_cpu_freq", "quit"), complete(shell, "q"));
  }

  /** The candidates for the word at the end of {@code line}, filtered as JLine does. */
  private static List<String> complete(ShellRunner shell, String line) {
    List<Candidate> candidates = new ArrayList<>();
    ParsedLine parsed = new DefaultParser().parse(line, line.length(), ParseContext.COMPLETE);
    shell.completer().complete(null, parsed, candidates);
    return candidates.stream()
        .map(Candidate::value)
        .filter(v -> v.startsWith(parsed.word()))
        .sorted()
        .toList();
  }
}
