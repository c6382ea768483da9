package dev.cartrescue.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects what one logger (and those below it; {@code ""} for all) writes at a level, for tests
 * that check log lines; puts the logger back as it was when closed.
 */
public final class LogCapture implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context;
  private final LoggerConfig logger;
  private final Level previousLevel;
  private final boolean added;
  private final AbstractAppender appender;
  private final Map<String, Appender> others;

  private LogCapture(String loggerName, Level level) {
    context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    LoggerConfig existing =
        loggerName.isEmpty()
            ? configuration.getRootLogger()
            : configuration.getLoggers().get(loggerName);
    added = existing == null;
    logger = added ? new LoggerConfig(loggerName, level, true) : existing;
    previousLevel = logger.getLevel();
    appender =
        new AbstractAppender(
            "capture-" + loggerName + "-" + System.nanoTime(),
            null,
            null,
            true,
            Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            lines.add(
                event.getLevel()
                    + " "
                    + event.getLoggerName()
                    + " "
                    + event.getMessage().getFormattedMessage()
                    + (event.getThrown() == null ? "" : " " + stackTrace(event.getThrown())));
          }
        };
    appender.start();
    // The logger's other appenders (the console) go on seeing only what they saw before.
    others = Map.copyOf(logger.getAppenders());
    others.forEach(
        (name, other) -> {
          logger.removeAppender(name);
          logger.addAppender(other, previousLevel, null);
        });
    logger.addAppender(appender, level, null);
    logger.setLevel(level);
    if (added) {
      configuration.addLogger(loggerName, logger);
    }
    context.updateLoggers();
  }

  private static String stackTrace(Throwable thrown) {
    StringWriter text = new StringWriter();
    thrown.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  public static LogCapture of(String loggerName, Level level) {
    return new LogCapture(loggerName, level);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public List<String> linesAt(Level level) {
    return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
  }

  /** Everything captured, with each thrown exception's stack trace, as one text. */
  public String text() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    logger.removeAppender(appender.getName());
    others.forEach(
        (name, other) -> {
          logger.removeAppender(name);
          logger.addAppender(other, null, null);
        });
    logger.setLevel(previousLevel);
    if (added) {
      context.getConfiguration().removeLogger(logger.getName());
    }
    context.updateLoggers();
    appender.stop();
  }
}
