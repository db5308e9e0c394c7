package io.pganalytics.server.alerting.notify;

import io.pganalytics.common.alerting.DeliveryResult;

import java.util.Map;

/** One way of delivering: renders the notification's context with its templates and sends it to the receiver. */
interface Channel {

    /**
     * One attempt within the delivery timeout. A failure is an answer, never an exception; its error names no secret.
     *
     * @param context the templates' context ({@link Templates#context})
     */
    DeliveryResult send(ReceiverTarget receiver, Map<String, Object> context, Templates.Delivery delivery);

    /**
     * Whether a failed attempt is worth retrying: an HTTP receiver's refusal of the message itself (4xx other than 408 and
     * 429) is not; no answer, a 5xx, 408 or 429 is.
     */
    default boolean retryable(DeliveryResult result) {
        Integer status = result.status();
        return status == null || status >= 500 || status == 408 || status == 429 || status < 400;
    }
}
