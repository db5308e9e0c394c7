package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.EscalationLevel;
import io.pganalytics.common.alerting.EscalationTarget;
import io.pganalytics.common.alerting.OnCallShift;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.alerting.OnCallDirectory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Escalation policies as the notifier runs them: step {@code s} of a policy of {@code n} levels notifies level
 * {@code s % n} in pass {@code s / n}; there are {@code n x (repeat + 1)} steps. A schedule target is whoever
 * {@link OnCallDirectory} says is on call then, a user target that person's contact, both mailed through the policy's
 * email receiver; a receiver target is that receiver.
 */
final class EscalationPolicies {
    private static final TypeReference<List<EscalationLevel>> LEVELS = new TypeReference<>() {
    };

    record Policy(long id, String name, List<EscalationLevel> levels, int repeat, Long emailReceiverId) {

        int steps() {
            return levels.size() * (repeat + 1);
        }

        EscalationLevel level(int step) {
            return levels.get(step % levels.size());
        }

        Duration after(int step) {
            String after = level(step).after();
            return after == null ? Duration.ofMinutes(15) : Durations.parse(after);
        }
    }

    private final ObjectMapper mapper;
    private final OnCallDirectory onCall;

    EscalationPolicies(ObjectMapper mapper, OnCallDirectory onCall) {
        this.mapper = mapper;
        this.onCall = onCall;
    }

    Optional<Policy> find(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, name, levels::text, repeat, email_receiver_id FROM escalation_policy WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                List<EscalationLevel> levels;
                try {
                    levels = mapper.readValue(r.getString(3), LEVELS);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("escalation policy " + id + ": its levels are not a JSON list of levels");
                }
                if (levels.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new Policy(r.getLong(1), r.getString(2), levels, r.getInt(4), (Long) r.getObject(5)));
            }
        }
    }

    /**
     * The notifications of one step of a policy for an incident (key {@code incident:<id>:escalated:<level>:<pass>:<target>}):
     * a target that cannot be reached (nobody on call, no address, no email receiver) is recorded as failed, saying why.
     */
    List<NotificationLog.Entry> step(long incidentId, long routeId, Policy policy, int step, String event, Instant due) {
        int level = step % policy.levels().size();
        int pass = step / policy.levels().size();
        List<NotificationLog.Entry> entries = new ArrayList<>();
        for (EscalationTarget target : policy.level(step).targets()) {
            String name;
            Long receiverId = null;
            String recipient = null;
            String failure = null;
            if (target.receiver() != null) {
                name = "receiver-" + target.receiver();
                receiverId = target.receiver();
            } else {
                Optional<OnCallShift> person;
                if (target.schedule() != null) {
                    name = "schedule-" + target.schedule();
                    person = onCall.onCall(target.schedule(), due);
                } else if (target.user() != null) {
                    name = "user-" + target.user();
                    person = onCall.person(target.user());
                } else {
                    continue;
                }
                receiverId = policy.emailReceiverId();
                if (person.isEmpty()) {
                    failure = target.schedule() != null ? "nobody is on call in schedule " + target.schedule() : "user " + target.user() + " has no contact";
                } else if (person.get().email() == null) {
                    failure = person.get().username() + " has no contact address";
                } else if (receiverId == null) {
                    failure = "escalation policy " + policy.id() + " has no email receiver to mail " + person.get().username();
                } else {
                    recipient = person.get().email();
                }
            }
            entries.add(new NotificationLog.Entry("incident:" + incidentId + ":escalated:" + level + ":" + pass + ":" + name, incidentId, routeId,
                    receiverId, recipient, event, level, Map.of("policy", policy.id(), "level", level, "pass", pass, "target", name), due, failure));
        }
        return entries;
    }
}
