package io.pganalytics.console.connect;

import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.api.Connector;
import io.pganalytics.console.api.KnownServer;
import io.pganalytics.console.api.Probe;
import io.pganalytics.console.api.ServerAddress;
import io.pganalytics.console.common.Background;

import java.util.List;
import java.util.function.Consumer;

/** The connector's IO, off the FX thread. */
public final class ConnectService {
    private final Connector connector;
    private final Background background;

    public ConnectService(Connector connector, Background background) {
        this.connector = connector;
        this.background = background;
    }

    public List<KnownServer> knownServers() {
        return connector.knownServers();
    }

    public void probe(ServerAddress address, Consumer<Probe> onProbe, Consumer<Throwable> onFailure) {
        background.run(() -> connector.probe(address), onProbe, onFailure);
    }

    public void trustAndOpen(Probe probe, Consumer<ConsoleApi> onOpen, Consumer<Throwable> onFailure) {
        background.run(() -> {
            connector.trust(probe);
            return connector.open(probe.address());
        }, onOpen, onFailure);
    }

    public void open(ServerAddress address, Consumer<ConsoleApi> onOpen, Consumer<Throwable> onFailure) {
        background.run(() -> connector.open(address), onOpen, onFailure);
    }
}
