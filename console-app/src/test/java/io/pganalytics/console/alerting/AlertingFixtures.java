package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.OnCallContact;
import io.pganalytics.common.alerting.OnCallNow;
import io.pganalytics.common.alerting.OnCallSchedule;
import io.pganalytics.common.alerting.OnCallShift;
import io.pganalytics.common.alerting.PreviewFiring;
import io.pganalytics.common.alerting.Rotation;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.query.InstancePage;
import io.pganalytics.common.query.InstanceStatus;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.admin.ServerConfirmation;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeConsoleApi;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Data the alerting tests share: instances, a rule, a preview, on-call schedules, and a service over the fake. */
final class AlertingFixtures {
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    static final InstanceSummary SHOP = instance(1, "shop-primary");
    static final InstanceSummary REPLICA = instance(2, "shop-replica");
    static final InstanceSummary BILLING = instance(3, "billing");
    static final InstanceSummary REPORTS = instance(4, "reports");

    private AlertingFixtures() {
    }

    static InstanceSummary instance(long id, String name) {
        return new InstanceSummary(id, name, "db" + id, 5432, InstanceStatus.UP, NOW, NOW, "17.2", "primary", null);
    }

    static void fleet(FakeConsoleApi api) {
        api.instances = new InstancePage(List.of(SHOP, REPLICA, BILLING, REPORTS), 4, 0, 500, Map.of(), NOW);
    }

    /** A service whose confirmations answer {@code confirm} and record the summary in {@code asked}. */
    static AlertingService service(FakeConsoleApi api, Background background, List<String> asked, boolean[] confirm) {
        ServerConfirmation confirmation = (question, onConfirm, onCancel) -> {
            asked.add(question.summary());
            (confirm[0] ? onConfirm : onCancel).run();
        };
        return new AlertingService(api, background, new AdminService(api, background, (onAnswer, onCancel) -> onCancel.run(), confirmation));
    }

    static AlertRule lockWaits(long id) {
        return new AlertRule(id, "LockWaits", "Sessions wait on locks: find the blocker.", "lock_waits", true, AlertRule.WARNING,
                Condition.threshold("lock_waiting_connections", ">", 0), "1m", RuleScope.all(), Map.of("team", "db"),
                "{{instance}}: {{value}} sessions waiting on a lock", null, 1, "admin", NOW, 3);
    }

    /** Three firings on two of four instances, over the 7 days before {@link #NOW}. */
    static RulePreview preview() {
        return new RulePreview(NOW.minusSeconds(7 * 86_400), NOW, 4, 4, List.of(
                new PreviewFiring(1, "shop-primary", Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:12:00Z"), 3.0),
                new PreviewFiring(1, "shop-primary", Instant.parse("2026-12-04T02:05:00Z"), Instant.parse("2026-12-04T02:35:00Z"), 7.0),
                new PreviewFiring(3, "billing", Instant.parse("2026-12-04T14:00:00Z"), null, 2.0)), false);
    }

    static OnCallSchedule primary() {
        return new OnCallSchedule(7L, "DBA primary", "Europe/Paris", List.of(new Rotation("weekly", List.of(11L, 12L), "2026-12-07T09:00", "7d")),
                List.of(), 1);
    }

    static List<OnCallContact> contacts() {
        return List.of(new OnCallContact(11, "alice", "alice@example.com"), new OnCallContact(12, "bob", "bob@example.com"),
                new OnCallContact(13, "carol", "carol@example.com"));
    }

    static List<OnCallNow> now() {
        return List.of(new OnCallNow(7, "DBA primary", new OnCallShift(11, "alice", "alice@example.com", "weekly", NOW.minusSeconds(3600),
                NOW.plusSeconds(3 * 3600 + 1200)), List.of(
                new OnCallShift(12, "bob", "bob@example.com", "weekly", NOW.plusSeconds(3 * 3600 + 1200), NOW.plusSeconds(7 * 86_400)),
                new OnCallShift(11, "alice", "alice@example.com", "weekly", NOW.plusSeconds(7 * 86_400), NOW.plusSeconds(14 * 86_400)))),
                new OnCallNow(8, "Weekend", null, List.of()));
    }

    static AlertView alert(long id, String rule, String instance) {
        return new AlertView(id, 5, rule, 1L, instance, AlertView.RESOLVED, "warning", Map.of(), rule + " on " + instance, 2.0,
                NOW.minusSeconds(7200), NOW.minusSeconds(7000), NOW.minusSeconds(3600), 9L, false, true, null);
    }
}
