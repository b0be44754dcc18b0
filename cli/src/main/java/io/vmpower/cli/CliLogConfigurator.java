package io.vmpower.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;
import java.util.function.Function;

/**
 * The logging of both programs (host and guest CLI), set up in code: diagnostics on standard error,
 * WARN and above unless {@code -Dvmpower.log.level} says otherwise ({@code VMPOWER_LOG_LEVEL} of
 * the guest launcher). Done in code because reading an XML configuration loads an XML parser and
 * logback's configuration framework, about 150 ms of the main thread's time to the prompt. A file
 * named by {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on the class path
 * (tests that run the programs), is left to logback. The guest library itself brings no logging
 * binding: an application that embeds it chooses its own.
 */
public final class CliLogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";

  private final Function<String, URL> resources;

  /** Used by logback, which finds this class as a service. */
  public CliLogConfigurator() {
    this(CliLogConfigurator.class.getClassLoader()::getResource);
  }

  /** {@code resources} finds class path resources (tests pass their own). */
  CliLogConfigurator(Function<String, URL> resources) {
    this.resources = resources;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || resources.apply("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getProperty("vmpower.log.level"), Level.WARN));
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
