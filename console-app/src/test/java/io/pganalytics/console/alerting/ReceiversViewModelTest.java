package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.EscalationPolicy;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.NotificationRoute;
import io.pganalytics.common.alerting.Receiver;
import io.pganalytics.common.alerting.DeliveryResult;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeAlertingAdminApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Administration's receivers and routes in plain JUnit against a fake client. */
class ReceiversViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeAlertingAdminApi alerting = api.alerting;
    private final Background background = Background.direct();
    private ReceiversViewModel model;

    @BeforeEach
    void open() {
        model = new ReceiversViewModel(AlertingFixtures.service(api, background, new ArrayList<>(), new boolean[]{true}));
        model.load();
    }

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void aReceiversSecretIsSentOnceNeverShownAndABlankFieldKeepsIt() {
        model.receiverNameProperty().set("dba-mail");
        model.kindProperty().set(Receiver.EMAIL);
        model.settingsProperty().set("to=dba@example.com\nsmtpHost=mail.example.com\nsmtpPort=587");
        model.secretProperty().set("s3cret-password");
        model.saveReceiver();
        assertEquals("", model.errorProperty().get());
        assertTrue(alerting.calls.contains("createReceiver dba-mail secrets [password]"), alerting.calls.toString());
        assertEquals("s3cret-password", alerting.storedSecrets.values().iterator().next().get("password"));
        assertEquals("", model.secretProperty().get(), "the secret field is emptied once sent");
        ReceiversViewModel.ReceiverRow row = model.receivers().getFirst();
        assertEquals("password: set", row.secret());
        assertFalse(row.settings().contains("s3cret"), row.settings());
        assertTrue(model.secretStateProperty().get().startsWith("password is set"), model.secretStateProperty().get());

        model.selectedReceiverProperty().set(row);
        model.settingsProperty().set("to=oncall@example.com\nsmtpHost=mail.example.com\nsmtpPort=587");
        model.saveReceiver();
        assertTrue(alerting.calls.contains("updateReceiver " + row.id() + " secrets []"), alerting.calls.toString());
        assertEquals("s3cret-password", alerting.storedSecrets.get(row.id()).get("password"));
        assertEquals(Map.of("to", "oncall@example.com", "smtpHost", "mail.example.com", "smtpPort", "587"), alerting.receivers.getFirst().settings());
    }

    @Test
    void aTestSendReportsTheReceiversAnswerAndAFailureInItsWords() {
        alerting.receivers.add(new Receiver(5L, "ops-hook", Receiver.WEBHOOK, Map.of("url", "https://hooks.example.com/pga"), null,
                List.of("hmacKey"), null, 1));
        model.load();
        model.selectedReceiverProperty().set(model.receivers().getFirst());
        model.testReceiver();
        assertTrue(model.statusProperty().get().startsWith("Test message delivered through ops-hook (200)"), model.statusProperty().get());
        alerting.testResult = new DeliveryResult(false, 401, "the receiver refused the signature", 30);
        model.testReceiver();
        assertEquals("The test message through ops-hook was not delivered: the receiver refused the signature (401)", model.errorProperty().get());
    }

    @Test
    void aRouteNotifiesTheChosenReceiverOrPolicyWithItsMatchersAndTimings() {
        alerting.receivers.add(new Receiver(5L, "ops-hook", Receiver.WEBHOOK, Map.of(), null, List.of(), null, 1));
        alerting.policies.add(new EscalationPolicy(9L, "DBA escalation", List.of(), 1, 5L, 1));
        model.load();
        assertEquals(List.of("receiver: ops-hook", "policy: DBA escalation"), model.targets());
        model.newRoute();
        model.routeNameProperty().set("critical to the DBAs");
        model.matchersProperty().set("severity=critical, env=~prod.*");
        model.targetProperty().set("policy: DBA escalation");
        model.groupWaitProperty().set("30s");
        model.continueMatchingProperty().set(true);
        model.saveRoute();
        assertEquals("", model.errorProperty().get());
        NotificationRoute saved = alerting.routes.getFirst();
        assertEquals(List.of(new Matcher("severity", "=", "critical"), new Matcher("env", "=~", "prod.*")), saved.matchers());
        assertEquals(9L, saved.escalationPolicyId());
        assertEquals(null, saved.receiverId());
        assertEquals("30s", saved.groupWait());
        assertEquals(null, saved.groupInterval());
        assertEquals(10, saved.position());
        assertEquals("policy: DBA escalation", model.routes().getFirst().target());

        model.newRoute();
        model.routeNameProperty().set("everything");
        model.targetProperty().set("");
        model.saveRoute();
        assertEquals("Notify: choose a receiver or an escalation policy.", model.errorProperty().get());
        assertEquals(1, alerting.routes.size());
    }

    @Test
    void aRefusalFromTheServerIsShownInItsWords() {
        alerting.viewer = true;
        model.receiverNameProperty().set("x");
        model.saveReceiver();
        assertEquals("Saving the receiver failed: This needs the operator or admin role.", model.errorProperty().get());
        assertTrue(alerting.receivers.isEmpty());
    }
}
