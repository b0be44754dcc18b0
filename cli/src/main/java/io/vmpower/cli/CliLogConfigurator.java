package io.vmpower.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

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

  /**
   * The daemon's logging: lines for journald ({@link JournalLayout}) on standard error, at INFO
   * unless {@code -Dvmpower.log.level} says otherwise. Done only when logging was set up here (a
   * test's or an operator's logback configuration is left alone); returns whether it was.
   */
  public static boolean useJournalFormat() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return false;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> stderr)
        || !(stderr.getEncoder() instanceof PatternLayoutEncoder)) {
      return false;
    }
    JournalLayout layout = new JournalLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    stderr.stop();
    stderr.setEncoder(encoder);
    stderr.start();
    root.setLevel(Level.toLevel(System.getProperty("vmpower.log.level"), Level.INFO));
    return true;
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
