package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.server.alerting.InstanceDirectory;
import io.pganalytics.server.alerting.Suppressions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@link Suppressions} from the silences and maintenance windows not yet over, cached on this node (reloaded on a change
 * anywhere, and every {@link #TTL}). Answers are for instants from the load on (evaluation time): a silence that
 * expired before the cache was loaded is not in it.
 */
final class ContextSuppressions implements Suppressions {
    static final Duration TTL = Duration.ofSeconds(30);

    private record LiveSilence(long id, Instant startsAt, Instant endsAt, Predicate<Map<String, String>> matches) {
    }

    private record LiveWindow(long id, RuleScope scope, WindowTimes times) {
    }

    private record Snapshot(List<LiveSilence> silences, List<LiveWindow> windows) {
    }

    private final InstanceDirectory instances;
    private final Cached<Snapshot> snapshot;

    ContextSuppressions(SilenceStore silences, MaintenanceWindowStore windows, InstanceDirectory instances, ContextNotices notices,
                        Clock clock) {
        this.instances = instances;
        this.snapshot = new Cached<>(() -> load(silences, windows, clock.instant()), TTL);
        notices.listen(ContextNotices.SUPPRESSIONS, snapshot::invalidate);
    }

    private static Snapshot load(SilenceStore silences, MaintenanceWindowStore windows, Instant now) {
        List<LiveSilence> liveSilences = new ArrayList<>();
        for (Silence silence : silences.live(now)) {
            liveSilences.add(new LiveSilence(silence.id(), silence.startsAt(), silence.endsAt(), Matchers.compile("matchers", silence.matchers())));
        }
        List<LiveWindow> liveWindows = new ArrayList<>();
        for (MaintenanceWindow window : windows.live(now)) {
            liveWindows.add(new LiveWindow(window.id(), window.scope(), WindowTimes.of(window)));
        }
        return new Snapshot(List.copyOf(liveSilences), List.copyOf(liveWindows));
    }

    @Override
    public List<Suppression> at(Instant at, Long instanceId, Map<String, String> labels) {
        Snapshot current = snapshot.get();
        List<Suppression> found = new ArrayList<>();
        for (LiveSilence silence : current.silences()) {
            if (!at.isBefore(silence.startsAt()) && at.isBefore(silence.endsAt()) && silence.matches().test(labels)) {
                found.add(new Suppression(Suppression.SILENCE, silence.id()));
            }
        }
        if (instanceId != null) {
            for (LiveWindow window : current.windows()) {
                if (window.times().covers(at) && inScope(window.scope(), instanceId)) {
                    found.add(new Suppression(Suppression.MAINTENANCE, window.id()));
                }
            }
        }
        return found;
    }

    private boolean inScope(RuleScope scope, long instanceId) {
        if (scope.isAll()) {
            return true;
        }
        if (!scope.instances().isEmpty()) {
            return scope.instances().contains(instanceId);
        }
        InstanceDirectory.Instance instance = instances.instances().get(instanceId);
        return instance != null && scope.labels().entrySet().stream()
                .allMatch(label -> label.getValue().equals(instance.labels().get(label.getKey())));
    }
}
