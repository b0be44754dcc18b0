package io.vmpower.features;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.vmpower.cli.HostMain;
import io.vmpower.core.CoreModule;
import io.vmpower.guest.PowerLibrary;
import io.vmpower.hal.linux.LinuxHalModule;
import io.vmpower.hal.sim.SimulatedClock;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module graph's rules at the level of packages, on the main classes of every module (features
 * sees them all), where a pom cannot look: which packages a module's code may use, and what the
 * guest library and the guest CLI may reach through core (the guest jar leaves Guice, Guava,
 * hal-sim and Jackson out). Core's own rule is core's CoreDependencyRulesTest; the module-level
 * arrows are maven-enforcer rules in each module's pom. Each rule here is also run on a class that
 * breaks it (the {@code archfixture} packages of these tests), so it is seen to fail.
 */
class ModuleRulesTest {
  static final ArchRule HAL_SIM_USES_NO_OTHER_MODULE =
      noClasses()
          .that()
          .resideInAPackage("io.vmpower.hal.sim..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.vmpower.hal.linux..",
              "io.vmpower.guest..",
              "io.vmpower.cli..",
              "io.vmpower.features..",
              "org.libvirt..",
              "com.sun.jna..",
              "org.newsclub..",
              "picocli..",
              "org.jline..")
          .because("hal-sim implements core's HAL and depends on core only");

  static final ArchRule HAL_LINUX_USES_NO_OTHER_MODULE =
      noClasses()
          .that()
          .resideInAPackage("io.vmpower.hal.linux..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.vmpower.hal.sim..",
              "io.vmpower.guest..",
              "io.vmpower.cli..",
              "io.vmpower.features..",
              "picocli..",
              "org.jline..")
          .because("hal-linux implements core's HAL and depends on core only");

  static final ArchRule GUEST_LIBRARY_USES_CORE_AND_SLF4J_ONLY =
      classes()
          .that()
          .resideInAPackage("io.vmpower.guest..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "org.slf4j..", "io.vmpower.core..", "io.vmpower.guest..")
          .because("the guest library is embedded by applications: core and the SLF4J API only");

  static final ArchRule GUEST_LIBRARY_NEVER_REACHES_GUICE =
      noClasses()
          .that()
          .resideInAPackage("io.vmpower.guest..")
          .should()
          .transitivelyDependOnClassesThat()
          .resideInAnyPackage("com.google.inject..", "com.google.common..")
          .because("an application embedding the library does not get Guice (guest/pom.xml)");

  /** The guest CLI and what it is made of: the contents of cli/target/guest-vm-power-mgr.jar. */
  static final ArchRule GUEST_CLI_NEVER_REACHES_WHAT_ITS_JAR_LEAVES_OUT =
      noClasses()
          .that()
          .resideInAPackage("io.vmpower.cli.guest..")
          .should()
          .transitivelyDependOnClassesThat()
          .resideInAnyPackage(
              "com.google.inject..",
              "com.google.common..",
              "com.fasterxml.jackson..",
              "org.yaml..",
              "io.vmpower.hal.sim..",
              "picocli.shell.jline3..",
              "io.prometheus..")
          .because("the guest jar (cli/pom.xml, guest-jar) leaves them out");

  private static final DescribedPredicate<JavaClass> HOST_CLI =
      resideInAPackage("io.vmpower.cli..")
          .and(
              DescribedPredicate.not(
                  resideInAnyPackage("io.vmpower.cli.guest..", "io.vmpower.cli.shell..")))
          .as("the host CLI (io.vmpower.cli.. but guest and shell)");

  static final ArchRule GUEST_CLI_NEVER_USES_THE_HOST_CLI =
      noClasses()
          .that()
          .resideInAPackage("io.vmpower.cli.guest..")
          .should()
          .dependOnClassesThat(HOST_CLI)
          .because("the two programs share only the shell runner");

  static final ArchRule NOTHING_ELSE_IN_CLI_USES_THE_GUEST_CLI =
      noClasses()
          .that()
          .resideInAPackage("io.vmpower.cli..")
          .and()
          .resideOutsideOfPackages("io.vmpower.cli.guest..", "io.vmpower.cli.manpage..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.vmpower.cli.guest..")
          .because(
              "the two programs share only the shell runner (the man page generator, in neither"
                  + " jar, documents both)");

  static final ArchRule THE_SHELL_RUNNER_IS_GENERIC =
      classes()
          .that()
          .resideInAPackage("io.vmpower.cli.shell..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "picocli..", "org.jline..", "io.vmpower.cli.shell..")
          .because("both programs run their commands through it");

  static final ArchRule ONLY_CLI_COMPOSES_THE_HALS =
      classes()
          .that()
          .resideOutsideOfPackages("io.vmpower.hal.sim..", "io.vmpower.hal.linux..")
          .and()
          .resideOutsideOfPackage("io.vmpower.cli..")
          .should()
          .onlyDependOnClassesThat(
              DescribedPredicate.not(
                  resideInAnyPackage("io.vmpower.hal.sim..", "io.vmpower.hal.linux..")))
          .because("the launchers pick a HAL; the library and the domain never do");

  private static final List<ArchRule> RULES =
      List.of(
          HAL_SIM_USES_NO_OTHER_MODULE,
          HAL_LINUX_USES_NO_OTHER_MODULE,
          GUEST_LIBRARY_USES_CORE_AND_SLF4J_ONLY,
          GUEST_LIBRARY_NEVER_REACHES_GUICE,
          GUEST_CLI_NEVER_REACHES_WHAT_ITS_JAR_LEAVES_OUT,
          GUEST_CLI_NEVER_USES_THE_HOST_CLI,
          NOTHING_ELSE_IN_CLI_USES_THE_GUEST_CLI,
          THE_SHELL_RUNNER_IS_GENERIC,
          ONLY_CLI_COMPOSES_THE_HALS);

  /** The jar or folder {@code c} was loaded from. */
  private static Location locationOf(Class<?> c) {
    try {
      return Location.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The main classes of every module (one representative class finds each jar or folder). */
  private static List<Location> mainLocations() {
    return Stream.of(
            CoreModule.class,
            SimulatedClock.class,
            LinuxHalModule.class,
            PowerLibrary.class,
            HostMain.class)
        .map(ModuleRulesTest::locationOf)
        .toList();
  }

  private static JavaClasses mainClasses() {
    return new ClassFileImporter().importLocations(mainLocations());
  }

  /** Imported once for all the cases that break a rule. */
  private static final class Fixtures {
    static final JavaClasses CLASSES = mainClassesAndFixtures();
  }

  /** The main classes and, of these tests' classes, only those that break a rule on purpose. */
  private static JavaClasses mainClassesAndFixtures() {
    Location tests = locationOf(ModuleRulesTest.class);
    List<Location> locations = new ArrayList<>(mainLocations());
    locations.add(tests);
    return new ClassFileImporter()
        .withImportOption(
            l ->
                !l.asURI().toString().startsWith(tests.asURI().toString())
                    || l.contains("/archfixture/"))
        .importLocations(locations);
  }

  @Test
  void everyModuleKeepsTheRules() {
    JavaClasses main = mainClasses();
    assertTrue(main.size() > 150, "the main classes of every module were found: " + main.size());
    assertTrue(main.contain(HostMain.class) && main.contain(PowerLibrary.class));

    List<String> broken = new ArrayList<>();
    for (ArchRule rule : RULES) {
      EvaluationResult result = rule.evaluate(main);
      if (result.hasViolation()) {
        broken.add(result.getFailureReport().toString());
      }
    }
    assertTrue(broken.isEmpty(), String.join("\n\n", broken));
  }

  static Stream<Arguments> rulesAndTheirBreakers() {
    return Stream.of(
        Arguments.of(HAL_SIM_USES_NO_OTHER_MODULE, "SimUsesLinux"),
        Arguments.of(HAL_LINUX_USES_NO_OTHER_MODULE, "LinuxUsesSim"),
        Arguments.of(GUEST_LIBRARY_USES_CORE_AND_SLF4J_ONLY, "GuestUsesTheShell"),
        Arguments.of(GUEST_LIBRARY_NEVER_REACHES_GUICE, "GuestUsesCoreModule"),
        Arguments.of(GUEST_CLI_NEVER_REACHES_WHAT_ITS_JAR_LEAVES_OUT, "GuestCliUsesTheHost"),
        Arguments.of(GUEST_CLI_NEVER_USES_THE_HOST_CLI, "GuestCliUsesTheHost"),
        Arguments.of(NOTHING_ELSE_IN_CLI_USES_THE_GUEST_CLI, "HostUsesTheGuestCli"),
        Arguments.of(THE_SHELL_RUNNER_IS_GENERIC, "ShellUsesTheGuestCli"),
        Arguments.of(ONLY_CLI_COMPOSES_THE_HALS, "GuestUsesAHal"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("rulesAndTheirBreakers")
  void eachRuleCatchesTheClassThatBreaksIt(ArchRule rule, String breaker) {
    EvaluationResult result = rule.evaluate(Fixtures.CLASSES);

    assertTrue(result.hasViolation(), rule.getDescription());
    String report = result.getFailureReport().toString();
    assertTrue(report.contains(".archfixture." + breaker), report);
  }
}
