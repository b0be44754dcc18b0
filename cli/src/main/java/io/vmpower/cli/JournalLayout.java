package io.vmpower.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;

/**
 * The daemon's log lines, for journald reading standard error: each line starts with its syslog
 * priority, {@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug (systemd's
 * {@code SyslogLevelPrefix=}, on by default), then the logger's short name and the message. No
 * timestamp: journald adds its own. A message or stack trace of several lines has the prefix on
 * every line, so none of them is read at the default priority.
 */
public final class JournalLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    String prefix = "<" + priority(event.getLevel()) + ">";
    StringBuilder body = new StringBuilder();
    String logger = event.getLoggerName();
    body.append(logger.substring(logger.lastIndexOf('.') + 1))
        .append(": ")
        .append(event.getFormattedMessage());
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      body.append('\n').append(ThrowableProxyUtil.asString(thrown));
    }
    StringBuilder out = new StringBuilder(body.length() + 16);
    for (String line : body.toString().split("\r?\n")) {
      out.append(prefix).append(line).append('\n');
    }
    return out.toString();
  }

  /** The syslog priority of a level. */
  static int priority(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> 3;
      case Level.WARN_INT -> 4;
      case Level.INFO_INT -> 6;
      default -> 7;
    };
  }
}
