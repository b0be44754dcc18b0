package io.vmpower.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module rule in code: core depends on the JDK, jakarta.inject, Guice and SLF4J only. */
class CoreDependencyRulesTest {
  static final ArchRule CORE_DEPENDS_ONLY_ON_ITS_ALLOWED_LIBRARIES =
      classes()
          .that()
          .resideInAPackage("io.vmpower.core..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "jakarta.inject..",
              "com.google.inject..",
              "org.slf4j..",
              "io.vmpower.core..")
          .because("core never imports a backend, JNA, libvirt, junixsocket or JLine (style.md)");

  /** The classes of the folder (target/classes or target/test-classes) that holds {@code c}. */
  private static JavaClasses importFolderOf(Class<?> c) {
    try {
      Path folder = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      return new ClassFileImporter().importPath(folder);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void mainCodeDependsOnlyOnTheAllowedPackages() {
    JavaClasses main = importFolderOf(CoreModule.class);
    assertTrue(main.size() > 30, "the main classes were found: " + main.size());

    CORE_DEPENDS_ONLY_ON_ITS_ALLOWED_LIBRARIES.check(main);
  }

  @Test
  void theRuleCatchesAnyOtherDependency() {
    JavaClasses tests = importFolderOf(CoreDependencyRulesTest.class);

    EvaluationResult result = CORE_DEPENDS_ONLY_ON_ITS_ALLOWED_LIBRARIES.evaluate(tests);

    assertTrue(result.hasViolation(), "the tests use JUnit, so the rule must flag them");
    assertTrue(
        result.getFailureReport().toString().contains("org.junit"),
        result.getFailureReport().toString());
  }
}
