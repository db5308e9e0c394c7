package io.pganalytics.server.alerting.notify;

import io.pganalytics.common.alerting.DeliveryResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;

/**
 * Mail over SMTP (Jakarta Mail, Angus): {@code starttls} (the default; the upgrade is required, never skipped),
 * {@code tls} (implicit TLS, port 465) or {@code none} (only with {@code allowPlain}). The server's certificate and
 * host name are checked, against the JVM's trust store or the receiver's {@code trustedCertificate} (a private CA).
 * A person's notification goes to their address; others to the receiver's {@code to}. The message id header and
 * {@code X-PgAnalytics-Notification} carry the notification's id so a repeat after a crash can be recognised.
 */
final class EmailChannel implements Channel {
    static final String STARTTLS = "starttls";
    static final String TLS = "tls";
    static final String NONE = "none";

    private final Templates templates;
    private final Duration timeout;

    EmailChannel(Templates templates, Duration timeout) {
        this.templates = templates;
        this.timeout = timeout;
    }

    @Override
    public DeliveryResult send(ReceiverTarget receiver, Map<String, Object> context, Templates.Delivery delivery) {
        long started = System.nanoTime();
        String tls = receiver.setting("tls", STARTTLS);
        String host = receiver.settings().get("smtpHost");
        int port = Integer.parseInt(receiver.setting("smtpPort", TLS.equals(tls) ? "465" : STARTTLS.equals(tls) ? "587" : "25"));
        Properties properties = new Properties();
        String timeoutMillis = Long.toString(timeout.toMillis());
        properties.put("mail.smtp.connectiontimeout", timeoutMillis);
        properties.put("mail.smtp.timeout", timeoutMillis);
        properties.put("mail.smtp.writetimeout", timeoutMillis);
        String username = receiver.settings().get("username");
        String protocol = TLS.equals(tls) ? "smtps" : "smtp";
        properties.put("mail." + protocol + ".auth", Boolean.toString(username != null));
        try {
            if (!NONE.equals(tls)) {
                properties.put("mail." + protocol + ".ssl.checkserveridentity", "true");
                String certificate = receiver.settings().get("trustedCertificate");
                if (certificate != null) {
                    properties.put("mail." + protocol + ".ssl.socketFactory", trusting(certificate).getSocketFactory());
                }
            }
            if (STARTTLS.equals(tls)) {
                properties.put("mail.smtp.starttls.enable", "true");
                properties.put("mail.smtp.starttls.required", "true");
            }
            Session session = Session.getInstance(properties);
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(receiver.settings().get("from"), true));
            String to = delivery.recipient() != null ? delivery.recipient() : receiver.settings().get("to");
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
            message.setSubject(templates.render(Templates.EMAIL_SUBJECT, context), "UTF-8");
            message.setText(templates.render(Templates.EMAIL_BODY, context), "UTF-8");
            message.setSentDate(new Date());
            message.setHeader("X-PgAnalytics-Notification", Long.toString(delivery.id()));
            message.saveChanges();
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(host, port, username, receiver.secrets().get("password"));
                transport.sendMessage(message, message.getAllRecipients());
                Integer code = transport instanceof SMTPTransport smtp ? smtp.getLastReturnCode() : null;
                return new DeliveryResult(true, code, null, millis(started));
            }
        } catch (AuthenticationFailedException e) {
            return new DeliveryResult(false, 535, "the SMTP server refused the user name and password", millis(started));
        } catch (SMTPSendFailedException e) {
            return new DeliveryResult(false, e.getReturnCode(), "the SMTP server refused the message: " + firstLine(e.getMessage()), millis(started));
        } catch (MessagingException e) {
            return new DeliveryResult(false, null, "could not send through " + host + ":" + port + " (" + tls + "): " + cause(e), millis(started));
        } catch (GeneralSecurityException e) {
            return new DeliveryResult(false, null, "the receiver's trustedCertificate is not usable", millis(started));
        }
    }

    /** SMTP's 5xx replies are final; no answer or a 4xx is worth another try. */
    @Override
    public boolean retryable(DeliveryResult result) {
        return result.status() == null || result.status() < 500;
    }

    private static SSLContext trusting(String pem) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            store.setCertificateEntry("trusted-" + i++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage()));
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) : line;
    }

    private static long millis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
