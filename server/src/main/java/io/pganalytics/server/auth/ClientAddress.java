package io.pganalytics.server.auth;

import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client's address as this node sees it. Forwarded headers are not trusted: behind a load balancer every
 * client shares the balancer's address for rate limiting until trusted proxies are configurable.
 */
final class ClientAddress {
    private ClientAddress() {
    }

    static String of(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
