package org.carillon.api.model;

import java.nio.charset.StandardCharsets;
import org.carillon.core.contact.TrustRequest;

/** A trust request waiting for an answer (its vCard as text). */
public record RequestView(String from, String device, String conversation, String vcard, long received) {
    public static RequestView of(TrustRequest r) {
        return new RequestView(
                r.from().hex(),
                r.fromDevice().toString(),
                r.conversationId(),
                new String(r.vcard(), StandardCharsets.UTF_8),
                r.receivedSeconds());
    }
}
