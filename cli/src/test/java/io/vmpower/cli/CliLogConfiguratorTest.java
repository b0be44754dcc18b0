package io.vmpower.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CliLogConfiguratorTest {
  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void clearProperties() {
    System.clearProperty("vmpower.log.level");
    System.clearProperty("logback.configurationFile");
    context.stop();
  }

  private Logger configuredRoot() {
    CliLogConfigurator c = new CliLogConfigurator();
    c.setContext(context);
    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, c.configure(context));
    return context.getLogger(Logger.ROOT_LOGGER_NAME);
  }

  @Test
  void warningsAndAboveGoToStandardErrorInTheGuestsFormat() {
    Logger root = configuredRoot();

    assertEquals(Level.WARN, root.getLevel());
    ConsoleAppender<?> stderr = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
    assertEquals("System.err", stderr.getTarget());
    PatternLayoutEncoder encoder =
        assertInstanceOf(PatternLayoutEncoder.class, stderr.getEncoder());
    assertEquals("%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n", encoder.getPattern());
  }

  @Test
  void theLevelComesFromVmpowerLogLevel() {
    System.setProperty("vmpower.log.level", "DEBUG");

    assertEquals(Level.DEBUG, configuredRoot().getLevel());
  }

  @Test
  void anUnknownLevelMeansWarn() {
    System.setProperty("vmpower.log.level", "LOUD");

    assertEquals(Level.WARN, configuredRoot().getLevel());
  }

  @Test
  void aConfigurationFileNamedByTheUserIsLeftToLogback() {
    System.setProperty("logback.configurationFile", "/somewhere/logback.xml");
    CliLogConfigurator c = new CliLogConfigurator();
    c.setContext(context);

    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, c.configure(context));
    assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
  }

  @Test
  void aTestConfigurationOnTheClassPathIsLeftToLogback() throws Exception {
    URL found = new URL("file:/somewhere/logback-test.xml");
    CliLogConfigurator c =
        new CliLogConfigurator(name -> name.equals("logback-test.xml") ? found : null);
    c.setContext(context);

    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, c.configure(context));
    assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
  }

  @Test
  void logbackFindsItAsAService() {
    boolean found = false;
    for (Configurator c : ServiceLoader.load(Configurator.class)) {
      found |= c instanceof CliLogConfigurator;
    }
    assertTrue(found, "META-INF/services names CliLogConfigurator");
  }
}
