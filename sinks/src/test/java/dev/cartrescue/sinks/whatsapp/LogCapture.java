package dev.cartrescue.sinks.whatsapp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects what one logger (and those below it) writes at a level, for tests that check log lines;
 * puts the logger back as it was when closed.
 */
final class LogCapture implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context;
  private final LoggerConfig logger;
  private final Level previousLevel;
  private final boolean added;
  private final AbstractAppender appender;

  private LogCapture(String loggerName, Level level) {
    context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    LoggerConfig existing = configuration.getLoggers().get(loggerName);
    added = existing == null;
    logger = added ? new LoggerConfig(loggerName, level, true) : existing;
    previousLevel = logger.getLevel();
    appender =
        new AbstractAppender("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            lines.add(
                event.getLevel()
                    + " "
                    + event.getMessage().getFormattedMessage()
                    + (event.getThrown() == null ? "" : " " + event.getThrown()));
          }
        };
    appender.start();
    logger.addAppender(appender, level, null);
    logger.setLevel(level);
    if (added) {
      configuration.addLogger(loggerName, logger);
    }
    context.updateLoggers();
  }

  static LogCapture of(String loggerName, Level level) {
    return new LogCapture(loggerName, level);
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  List<String> linesAt(Level level) {
    return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
  }

  @Override
  public void close() {
    logger.removeAppender(appender.getName());
    logger.setLevel(previousLevel);
    if (added) {
      context.getConfiguration().removeLogger(logger.getName());
    }
    context.updateLoggers();
    appender.stop();
  }
}
