package io.vmpower.core.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines one logger writes at INFO and above while open (logback's list appender). */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level before;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture(Class<?> loggerOf) {
    logger = (Logger) LoggerFactory.getLogger(loggerOf);
    before = logger.getLevel();
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  /** Formatted messages, oldest first, each prefixed with its level: {@code WARN vm1.0: ...}. */
  public synchronized List<String> lines() {
    return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  /** Lines containing {@code text}. */
  public List<String> matching(String text) {
    return lines().stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(before);
  }
}
