package io.vmpower.cli.manpage;

import io.vmpower.cli.HostManual;
import io.vmpower.cli.guest.GuestManual;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the manual pages' AsciiDoc from the command model with picocli's generator: one page per
 * program, {@code vm-power-mgr(1)} and {@code guest-vm-power-mgr(1)}, each with its options (the
 * generator's page of the program) and a Commands section made of the generator's synopsis,
 * description and arguments of every command of the program's shell. Nothing in them is written by
 * hand but the two sentences that introduce the shell and the cross-references; ci/package.sh turns
 * them into troff with asciidoctor.
 *
 * <p>Run at {@code package} by cli/pom.xml: {@code ManPages OUTPUT_DIR}.
 */
public final class ManPages {
  /** The manual every page belongs to. */
  static final String MANUAL = "vmpower Manual";

  private ManPages() {}

  /** One page: a program, the shell it runs, and the pages it refers to. */
  record Page(String name, CommandSpec program, CommandSpec shell, String prompt, String seeAlso) {
    String fileName() {
      return name + ".adoc";
    }
  }

  /** The pages of both programs. */
  public static List<Page> pages() {
    return List.of(
        new Page(
            "vm-power-mgr",
            HostManual.program(),
            HostManual.shell(),
            HostManual.prompt(),
            "guest-vm-power-mgr(1)"),
        new Page(
            "guest-vm-power-mgr",
            GuestManual.program(),
            GuestManual.shell(),
            GuestManual.prompt(),
            "vm-power-mgr(1)"));
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ManPages OUTPUT_DIR");
      System.exit(2);
    }
    for (Path p : write(Path.of(args[0]))) {
      System.out.println("wrote " + p);
    }
  }

  /** Writes every page's AsciiDoc into {@code dir}; returns the files. */
  public static List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (Page page : pages()) {
      Path file = dir.resolve(page.fileName());
      Files.writeString(file, render(page), StandardCharsets.UTF_8);
      written.add(file);
    }
    return written;
  }

  /** A page's AsciiDoc. */
  static String render(Page page) {
    String text = generated(page.program());
    text = text.replaceFirst("(?m)^:manmanual: .*$", ":manmanual: " + MANUAL);
    // the headings of --help ("%nExit status:%n") without their blank line and colon
    text = text.replaceAll("(?m)^== +([^\n]*?):?$", "== $1");
    String commands = commandsSection(page);
    String exitStatus = "// tag::picocli-generated-man-section-exit-status[]";
    int at = text.indexOf(exitStatus);
    if (at < 0) {
      throw new IllegalStateException("picocli's page has no exit-status section to follow");
    }
    text = text.substring(0, at) + commands + text.substring(at);
    return text + "== See also\n\n" + page.seeAlso() + "\n";
  }

  /** The Commands section: every command of the shell, as picocli's generator describes it. */
  static String commandsSection(Page page) {
    StringBuilder b = new StringBuilder();
    b.append("== Commands\n\n");
    b.append("The commands of the *")
        .append(page.prompt())
        .append(
            "* shell: typed at its prompt when standard input is a terminal, else read one per"
                + " line from standard input or from *--script* _FILE_.\n\n");
    for (Map.Entry<String, CommandLine> e : page.shell().subcommands().entrySet()) {
      CommandSpec command = e.getValue().getCommandSpec();
      if (command.usageMessage().hidden()) {
        continue;
      }
      String sub = generated(command);
      b.append("=== ").append(e.getKey()).append("\n\n");
      b.append(body(sub, "synopsis", e.getKey()));
      b.append(body(sub, "description", e.getKey()));
      b.append(body(sub, "arguments", e.getKey()));
      b.append(body(sub, "options", e.getKey()));
    }
    return b.toString();
  }

  /** picocli's whole page of {@code spec}. */
  static String generated(CommandSpec spec) {
    StringWriter out = new StringWriter();
    try (PrintWriter pw = new PrintWriter(out)) {
      ManPageGenerator.writeSingleManPage(pw, spec);
    }
    return out.toString().replace("\r\n", "\n");
  }

  private static final Pattern HEADING = Pattern.compile("(?m)^== [^\n]*\n+");

  /**
   * The body of the tagged section {@code tag} of a generated page, without its heading; the
   * synopsis without the shell's name (the shell's root command has none, the guest's is {@code
   * vm_power}).
   */
  static String body(String page, String tag, String command) {
    String start = "// tag::picocli-generated-man-section-" + tag + "[]\n";
    String end = "// end::picocli-generated-man-section-" + tag + "[]\n";
    int from = page.indexOf(start);
    int to = page.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalStateException("picocli's page has no " + tag + " section");
    }
    String body = page.substring(from + start.length(), to);
    Matcher m = HEADING.matcher(body);
    if (m.find()) {
      String heading = m.group().strip().substring(3);
      body = body.substring(0, m.start()) + subHeading(heading) + body.substring(m.end());
    }
    if (tag.equals("synopsis")) {
      body = body.replaceFirst("\\*[^*\n]*?" + Pattern.quote(command) + "\\*", "*" + command + "*");
    }
    return body.strip().isEmpty() ? "" : body.strip() + "\n\n";
  }

  private static String subHeading(String heading) {
    return switch (heading) {
      case "Synopsis", "Description" -> "";
      default -> "." + heading + "\n";
    };
  }
}
