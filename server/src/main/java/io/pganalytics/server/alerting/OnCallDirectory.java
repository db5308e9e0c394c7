package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.OnCallShift;

import java.time.Instant;
import java.util.Optional;

/** Who is on call (server.alerting.context), as escalation policies ask. */
public interface OnCallDirectory {

    /** The shift in force in a schedule at an instant (overrides first); empty when nobody is on call or no such schedule. */
    Optional<OnCallShift> onCall(long scheduleId, Instant at);

    /** A person's shift-less contact (user targets of escalation levels); empty when the user has no address. */
    Optional<OnCallShift> person(long userId);
}
