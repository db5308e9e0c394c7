package io.pganalytics.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which client address the server believes ({@code http.trusted-proxies}): the TCP peer, unless the peer is one of the
 * configured proxies (CIDR blocks), in which case the nearest address in {@code X-Forwarded-For} (or, without it,
 * {@code Forwarded: for=}) that is not itself a trusted proxy. With no proxies configured (the default), forwarded
 * headers are ignored: a client cannot choose the address it is recorded and rate-limited under.
 */
public final class TrustedProxies {
    /** At most this many hops of a forwarded header are read (the header is the client's to make long). */
    static final int MAX_HOPS = 20;

    private final List<Block> blocks;

    private record Block(byte[] network, int prefix) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (bytes[whole] & mask) == (network[whole] & mask);
        }
    }

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    /**
     * Parses CIDR blocks ({@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code fd00::/8}); only literal addresses, never
     * host names (no lookup happens at start or per request).
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR block
     */
    public static TrustedProxies parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : cidrs) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            InetAddress address = literal(host).orElseThrow(() -> new IllegalArgumentException(
                    "'" + text + "' is not a CIDR block such as 10.0.0.0/8 or fd00::/8 (addresses only, no host names)"));
            int max = address.getAddress().length * 8;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > max) {
                    throw new IllegalArgumentException("'" + text + "': the prefix length must be from 0 to " + max);
                }
            }
            blocks.add(new Block(address.getAddress(), prefix));
        }
        return new TrustedProxies(blocks);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    boolean trusts(InetAddress address) {
        for (Block block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The address to believe for a request from {@code peer} carrying {@code headers}. */
    public String clientAddress(SocketAddress peer, Headers headers) {
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(peer);
        }
        InetAddress address = inet.getAddress();
        if (blocks.isEmpty() || !trusts(address)) {
            return address.getHostAddress();
        }
        List<String> hops = forwardedFor(headers);
        // from the nearest hop outwards: the first that is not one of our proxies is the client
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                // an obfuscated or malformed hop ("unknown", "_hidden"): nothing beyond it can be believed
                return address.getHostAddress();
            }
            if (!trusts(hop.get())) {
                return hop.get().getHostAddress();
            }
            address = hop.get();
        }
        return address.getHostAddress();
    }

    /** The hops of X-Forwarded-For (all its lines), else of Forwarded's {@code for=} parameters; at most {@link #MAX_HOPS}, nearest last. */
    private static List<String> forwardedFor(Headers headers) {
        List<String> hops = new ArrayList<>();
        if (headers.contains(HeaderNames.X_FORWARDED_FOR)) {
            for (String line : headers.get(HeaderNames.X_FORWARDED_FOR).allValues()) {
                for (String hop : line.split(",")) {
                    add(hops, hop.trim());
                }
            }
        } else if (headers.contains(HeaderNames.FORWARDED)) {
            for (String line : headers.get(HeaderNames.FORWARDED).allValues()) {
                for (String element : line.split(",")) {
                    for (String pair : element.split(";")) {
                        String p = pair.trim();
                        if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
                            add(hops, unquote(p.substring(4)));
                        }
                    }
                }
            }
        }
        return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
    }

    private static void add(List<String> hops, String hop) {
        if (!hop.isEmpty() && hops.size() < 10 * MAX_HOPS) {
            hops.add(hop);
        }
    }

    /** {@code "[2001:db8::1]:4711"} -> {@code 2001:db8::1}; {@code 192.0.2.1:80} -> {@code 192.0.2.1}. */
    private static String unquote(String value) {
        String v = value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2 ? value.substring(1, value.length() - 1) : value;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            return end > 0 ? v.substring(1, end) : v;
        }
        int colon = v.indexOf(':');
        return colon > 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
    }

    /** An IP address literal (v4 dotted quad or v6), never a name to look up. */
    static Optional<InetAddress> literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (t.isEmpty() || t.length() > 45) {
            return Optional.empty();
        }
        boolean v6 = t.indexOf(':') >= 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = v6 ? (Character.digit(c, 16) >= 0 || c == ':' || c == '.') : (c >= '0' && c <= '9') || c == '.';
            if (!ok) {
                return Optional.empty();
            }
        }
        if (!v6 && t.split("\\.", -1).length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t)); // a literal: no lookup
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
