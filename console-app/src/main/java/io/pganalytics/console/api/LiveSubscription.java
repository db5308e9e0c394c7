package io.pganalytics.console.api;

/** An open live stream; closing it stops reconnecting. */
public interface LiveSubscription extends AutoCloseable {
    @Override
    void close();
}
