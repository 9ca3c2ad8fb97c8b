package org.carillon.core.message;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MIME types a type-3 message carries besides text, and their bodies as jamid 13.7 writes and
 * reads them (RFC 5438 display notifications, RFC 3994 composing state), plus Jami's swarm
 * convention for edits, which Carillon uses between its own users.
 */
public final class Payloads {
    public static final String TEXT = "text/plain";
    public static final String DISPLAYED = "message/imdn+xml";
    public static final String COMPOSING = "application/im-iscomposing+xml";
    public static final String EDIT = "application/edited-message";

    /** Metadata: the send time in milliseconds (the wire's date has whole seconds). */
    static final String SENT_MILLIS = "ts";
    /** Metadata: the author device's sequence number. */
    static final String SEQUENCE = "seq";
    /** Metadata: the peer a copy sent to our own other device was written to. */
    static final String TO = "to";
    /** Metadata: the hex id of the message an edit replaces. */
    static final String EDITS = "edit";

    // jamid reads both with regular expressions of this shape; so do we, as lenient as it is
    private static final Pattern MESSAGE_ID = Pattern.compile("<message-id>\\s*([0-9a-fA-F]{1,16})\\s*</message-id>");
    private static final Pattern DISPLAYED_STATUS = Pattern.compile("<status>\\s*<displayed\\s*/>\\s*</status>");
    private static final Pattern STATE = Pattern.compile("<state>\\s*(\\w+)\\s*</state>");

    private Payloads() {}

    /** A display notification for the message with this id, as jamid's {@code getDisplayed} without a conversation. */
    public static String displayed(long messageId) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
                + "<imdn><message-id>" + Long.toUnsignedString(messageId, 16) + "</message-id>\n"
                + "<display-notification><status><displayed/></status></display-notification>\n"
                + "</imdn>";
    }

    /** The id a display notification names; empty when the body is not one. */
    public static Optional<Long> displayedId(String body) {
        Matcher id = MESSAGE_ID.matcher(body);
        if (!id.find() || !DISPLAYED_STATUS.matcher(body).find()) {
            return Optional.empty();
        }
        return Optional.of(Long.parseUnsignedLong(id.group(1), 16));
    }

    public static String composing(boolean active) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<isComposing><state>" + (active ? "active" : "idle")
                + "</state></isComposing>";
    }

    /** Whether a composing body says "active"; empty when it has no state. */
    public static Optional<Boolean> composingActive(String body) {
        Matcher m = STATE.matcher(body);
        return m.find() ? Optional.of(m.group(1).equals("active")) : Optional.empty();
    }
}
