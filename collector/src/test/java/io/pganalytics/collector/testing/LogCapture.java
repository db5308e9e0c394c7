package io.pganalytics.collector.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures every java.util.logging record (where SLF4J logs go) under a logger name, at every level. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final List<String> lines = new ArrayList<>();

    public LogCapture(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
        this.previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        String message = record.getMessage();
        if (record.getParameters() != null) {
            message = java.text.MessageFormat.format(message, record.getParameters());
        }
        lines.add(record.getLevel() + " " + message + (record.getThrown() == null ? "" : " " + record.getThrown()));
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}
