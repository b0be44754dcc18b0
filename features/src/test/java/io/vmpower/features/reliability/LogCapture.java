package io.vmpower.features.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * What the host's loggers ({@code io.vmpower}) write at INFO and above while open, kept in memory
 * instead of the console. WARN is what an operator sees by default (cli's CliLogConfigurator).
 */
final class LogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.vmpower");
  private final Level level;
  private final boolean additive;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    this(true);
  }

  /**
   * @param keep false to drop the lines instead (a long run that would otherwise flood the console
   *     or fill memory)
   */
  LogCapture(boolean keep) {
    level = logger.getLevel();
    additive = logger.isAdditive();
    if (keep) {
      appender.start();
      logger.addAppender(appender);
    }
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
  }

  /** How many lines were written so far. */
  int mark() {
    synchronized (appender) {
      return appender.list.size();
    }
  }

  /** Lines since {@code mark}, each {@code LEVEL message}. */
  List<String> since(int mark) {
    synchronized (appender) {
      List<String> out = new ArrayList<>();
      for (int i = mark; i < appender.list.size(); i++) {
        ILoggingEvent e = appender.list.get(i);
        out.add(e.getLevel() + " " + e.getFormattedMessage());
      }
      return out;
    }
  }

  /**
   * The lines since {@code mark} as an operator reads them: each distinct line (numbers kept) once
   * with its count, at most {@code max} of them, then how many more distinct lines there were.
   */
  String summary(int mark, int max) {
    Map<String, Integer> distinct = new LinkedHashMap<>();
    for (String l : since(mark)) {
      distinct.merge(l, 1, Integer::sum);
    }
    if (distinct.isEmpty()) {
      return "(none)";
    }
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (Map.Entry<String, Integer> e : distinct.entrySet()) {
      if (shown == max) {
        sb.append(" ... (").append(distinct.size() - max).append(" more distinct lines)");
        break;
      }
      sb.append(shown == 0 ? "" : " / ").append(e.getKey());
      if (e.getValue() > 1) {
        sb.append(" [x").append(e.getValue()).append(']');
      }
      shown++;
    }
    return sb.toString();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(level);
    logger.setAdditive(additive);
  }
}
