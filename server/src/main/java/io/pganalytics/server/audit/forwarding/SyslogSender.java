package io.pganalytics.server.audit.forwarding;

import io.pganalytics.server.audit.AuditJsonLines;
import io.pganalytics.server.audit.StoredRecord;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Syslog over TLS (RFC 5425) with octet-counting framing: each record is {@code MSG-LEN SP SYSLOG-MSG}, the message in
 * RFC 5424 form with the record's seq, hash and previous hash in structured data (so that a receiver can dedupe
 * resends and check the chain) and the record's JSON line ({@link AuditJsonLines}) as the message.
 */
final class SyslogSender implements Sender {
    /** The SD-ID of our structured data; 32473 is the private enterprise number RFC 5612 reserves for documentation. */
    static final String SD_ID = "pganalytics@32473";

    private final ForwardingConfig.Destination destination;
    private final SSLContext tls;
    private final String hostname;
    private SSLSocket socket;
    private OutputStream out;

    SyslogSender(ForwardingConfig.Destination destination, String node) {
        this.destination = destination;
        this.tls = TlsTrust.context(destination.name(), destination.caFile());
        this.hostname = printable(node, 255);
    }

    @Override
    public void send(List<StoredRecord> records) throws IOException {
        try {
            OutputStream stream = connection();
            for (StoredRecord record : records) {
                byte[] message = message(record).getBytes(StandardCharsets.UTF_8);
                stream.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
                stream.write(message);
            }
            stream.flush();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** One RFC 5424 message: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG}. */
    String message(StoredRecord r) {
        int severity = "success".equals(r.outcome()) ? 5 : 4; // notice; warning for failures and denials
        int pri = destination.facility() * 8 + severity;
        return "<" + pri + ">1 " + AuditJsonLines.at(r.at()) + " " + hostname + " " + destination.appName() + " - "
                + printable(r.category(), 32) + " [" + SD_ID + " seq=\"" + r.seq() + "\" hash=\"" + HexFormat.of().formatHex(r.hash())
                + "\" prev=\"" + HexFormat.of().formatHex(r.prevHash()) + "\" action=\"" + paramValue(r.action())
                + "\" outcome=\"" + paramValue(r.outcome()) + "\" node=\"" + paramValue(r.node()) + "\"] " + AuditJsonLines.line(r);
    }

    private OutputStream connection() throws IOException {
        if (out != null) {
            return out;
        }
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            SSLParameters parameters = s.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the configured host
            s.setSSLParameters(parameters);
            int timeout = (int) destination.timeout().toMillis();
            s.connect(new InetSocketAddress(destination.host(), destination.port()), timeout);
            s.setSoTimeout(timeout);
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        return out;
    }

    @Override
    public void close() {
        SSLSocket s = socket;
        socket = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a connection that already broke: nothing more to release
            }
        }
    }

    /** An SD-PARAM value: {@code "}, {@code \} and {@code ]} escaped (RFC 5424 6.3.3). */
    static String paramValue(String value) {
        return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }

    /** A header field: printable US-ASCII without spaces, bounded, "-" when empty (RFC 5424 6.2). */
    static String printable(String value, int max) {
        StringBuilder s = new StringBuilder();
        if (value != null) {
            for (int i = 0; i < value.length() && s.length() < max; i++) {
                char c = value.charAt(i);
                s.append(c > 32 && c < 127 ? c : '_');
            }
        }
        return s.isEmpty() ? "-" : s.toString();
    }
}
