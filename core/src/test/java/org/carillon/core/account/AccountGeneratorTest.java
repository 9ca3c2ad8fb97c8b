package org.carillon.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.carillon.dht.crypto.PublicKeys;
import org.junit.jupiter.api.Test;

class AccountGeneratorTest {
    private static final String SKI = "2.5.29.14";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String AKI = "2.5.29.35";

    @Test
    void aNewAccountHasJamisThreeCertificates() throws Exception {
        List<String> steps = new ArrayList<>();
        AccountKeys keys = TestAccounts.generator()
                .newAccount("laptop", (done, total, step) -> steps.add(done + "/" + total + " " + step));

        X509Certificate ca = keys.caCertificate();
        X509Certificate account = keys.account().certificate();
        X509Certificate device = keys.device().certificate();
        String caId = PublicKeys.id(ca.getPublicKey()).toString();

        assertGnutlsName(ca.getSubjectX500Principal(), "Jami CA", caId);
        assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        ca.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(ca.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(BASIC_CONSTRAINTS, KEY_USAGE);
        assertThat(ca.getNonCriticalExtensionOIDs()).containsExactly(SKI);

        assertGnutlsName(
                account.getSubjectX500Principal(), "Jami", keys.accountId().hex());
        assertThat(account.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        account.verify(ca.getPublicKey());
        assertThat(account.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(account.getNonCriticalExtensionOIDs()).containsExactly(SKI).doesNotContain(AKI);
        assertThat(account.getExtensionValue(SKI))
                .endsWith(keys.accountId().hash().toBytes());

        assertGnutlsName(
                device.getSubjectX500Principal(),
                "Jami device",
                keys.deviceId().shortId().toString());
        assertThat(device.getIssuerX500Principal()).isEqualTo(account.getSubjectX500Principal());
        device.verify(account.getPublicKey());
        assertThat(device.getBasicConstraints()).isEqualTo(-1);
        assertThat(device.getCriticalExtensionOIDs())
                .as("Jami's CSR carries no extension")
                .isNull();
        assertThat(device.getNonCriticalExtensionOIDs()).isNull();

        for (X509Certificate c : List.of(ca, account, device)) {
            assertThat(c.getVersion()).isEqualTo(3);
            assertThat(c.getSigAlgName()).isEqualToIgnoringCase("SHA256withRSA"); // GnuTLS's choice for 2048-bit keys
            assertThat(Duration.between(
                            c.getNotBefore().toInstant(), c.getNotAfter().toInstant()))
                    .isEqualTo(Duration.ofDays(3650));
        }
        assertThat(keys.account().chain()).containsExactly(account, ca);
        assertThat(keys.deviceChain()).containsExactly(device, account, ca);
        assertThat(keys.caKey().getPublic()).isEqualTo(ca.getPublicKey());
        assertThat(keys.ethKey()).hasSize(32);
        assertThat(steps).containsExactly("0/3 CA key", "1/3 account key", "2/3 device key", "3/3 done");
    }

    @Test
    void aNewDeviceJoinsTheSameAccount() {
        AccountKeys alice = TestAccounts.alice();
        List<String> steps = new ArrayList<>();
        AccountKeys second = TestAccounts.generator().newDevice(alice, "phone", (d, t, s) -> steps.add(s));

        assertThat(second.accountId()).isEqualTo(alice.accountId());
        assertThat(second.deviceId()).isNotEqualTo(alice.deviceId());
        assertThat(second.caCertificate()).isEqualTo(alice.caCertificate());
        assertThat(second.ethKey()).isEqualTo(alice.ethKey());
        assertThat(second.deviceChain().subList(1, 3)).isEqualTo(alice.account().chain());
        assertThat(DeviceChains.accountOf(second.deviceChain())).contains(alice.accountId());
        assertThat(steps).containsExactly("device key", "done");
    }

    @Test
    void aNewDeviceNeedsTheAccountKey() {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys publicOnly = new AccountKeys(
                null,
                alice.caCertificate(),
                new org.carillon.dht.crypto.Identity(
                        new java.security.KeyPair(alice.account().key().getPublic(), null),
                        alice.account().chain()),
                alice.device(),
                alice.ethKey());
        assertThatThrownBy(() -> TestAccounts.generator().newDevice(publicOnly, "x", Progress.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key");
    }

    @Test
    void weakKeySizesAreRefused() {
        assertThatThrownBy(() -> new AccountGenerator(new SecureRandom(), 1024))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The only 4096-bit key in the tests: GnuTLS (hence jamid) signs with SHA-384 for it. */
    @Test
    void a4096BitKeySignsWithSha384LikeJamid() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(AccountGenerator.RSA_BITS, new SecureRandom());
        X509Certificate ca = new JamiCertificates(new SecureRandom()).selfSignedCa(g.generateKeyPair(), "Jami CA");
        assertThat(ca.getSigAlgName()).isEqualToIgnoringCase("SHA384withRSA");
    }

    /** GnuTLS writes CN then UID, both PrintableString (openssl asn1parse of an OpenDHT certificate). */
    private static void assertGnutlsName(X500Principal principal, String commonName, String uid) {
        org.bouncycastle.asn1.x500.RDN[] rdns = org.bouncycastle.asn1.x500.X500Name.getInstance(principal.getEncoded())
                .getRDNs();
        assertThat(rdns).hasSize(2);
        assertThat(rdns[0].getFirst().getType()).isEqualTo(org.bouncycastle.asn1.x500.style.BCStyle.CN);
        assertThat(rdns[0].getFirst().getValue()).isInstanceOf(org.bouncycastle.asn1.DERPrintableString.class);
        assertThat(rdns[0].getFirst().getValue().toString()).isEqualTo(commonName);
        assertThat(rdns[1].getFirst().getType()).isEqualTo(org.bouncycastle.asn1.x500.style.BCStyle.UID);
        assertThat(rdns[1].getFirst().getValue()).isInstanceOf(org.bouncycastle.asn1.DERPrintableString.class);
        assertThat(rdns[1].getFirst().getValue().toString()).isEqualTo(uid);
    }
}
