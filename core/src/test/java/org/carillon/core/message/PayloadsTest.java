package org.carillon.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PayloadsTest {
    /** As jamid 13.7's getDisplayed writes it, with a conversation id (swarm) and without. */
    @Test
    void readsJamidDisplayNotifications() {
        String swarm = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<imdn><message-id>1f2e3d4c5b6a7988</message-id>\n"
                + "<conversation>fcaa2e7acff6e40b78b035256f8506863b34fbab</conversation>"
                + "<display-notification><status><displayed/></status></display-notification>\n</imdn>";
        assertThat(Payloads.displayedId(swarm)).contains(Long.parseUnsignedLong("1f2e3d4c5b6a7988", 16));
        assertThat(Payloads.displayedId(Payloads.displayed(-2L))).contains(-2L);
    }

    @Test
    void refusesWhatIsNotADisplayNotification() {
        assertThat(Payloads.displayedId("hello")).isEmpty();
        assertThat(Payloads.displayedId("<imdn><message-id>12</message-id><status><delivered/></status></imdn>"))
                .isEmpty();
        assertThat(Payloads.displayedId(
                        "<imdn><message-id>1234567890abcdef0</message-id><status><displayed/></status>"))
                .as("17 hex digits do not fit an id")
                .isEmpty();
    }

    @Test
    void composingStateBothWays() {
        assertThat(Payloads.composingActive(Payloads.composing(true))).contains(true);
        assertThat(Payloads.composingActive(Payloads.composing(false))).contains(false);
        assertThat(Payloads.composingActive("<isComposing><state> active </state></isComposing>"))
                .contains(true);
        assertThat(Payloads.composingActive("<isComposing/>")).isEmpty();
    }
}
