package org.carillon.core.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceChainsTest {
    private final JamiCertificates certificates = new JamiCertificates(new SecureRandom());

    @Test
    void aDeviceChainLeadsToItsAccount() {
        AccountKeys alice = TestAccounts.alice();
        assertThat(DeviceChains.accountOf(alice.deviceChain())).contains(alice.accountId());
        assertThat(DeviceChains.accountOf(alice.deviceChain().subList(0, 2))).contains(alice.accountId());
        assertThat(DeviceChains.leadsTo(alice.deviceChain(), alice.accountId())).isTrue();
        assertThat(DeviceChains.leadsTo(alice.deviceChain(), TestAccounts.bob().accountId()))
                .isFalse();
    }

    @Test
    void aDeviceSignedByAnotherAccountDoesNotLeadToThisOne() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys bob = TestAccounts.bob();
        // bob's device certificate presented with alice's account and CA
        List<X509Certificate> forged =
                List.of(bob.device().certificate(), alice.account().certificate(), alice.caCertificate());
        assertThat(DeviceChains.accountOf(forged)).isEmpty();
        // a device that bob's account signed while naming alice's account as issuer
        X509Certificate misnamed = certificates.fromRequest(
                key().getPublic(),
                "Jami device",
                alice.account().certificate(),
                bob.account().key().getPrivate());
        assertThat(DeviceChains.accountOf(List.of(misnamed, alice.account().certificate(), alice.caCertificate())))
                .isEmpty();
    }

    @Test
    void aSelfSignedDeviceIsRefused() throws Exception {
        KeyPair k = key();
        X509Certificate self = certificates.issued(
                k, "Jami device", certificates.selfSignedCa(k, "Jami device"), k.getPrivate(), true);
        assertThat(DeviceChains.accountOf(List.of(self, self))).isEmpty();
        assertThat(DeviceChains.accountOf(List.of(self))).isEmpty();
        assertThat(DeviceChains.accountOf(List.of())).isEmpty();
        assertThat(DeviceChains.accountOf(null)).isEmpty();
    }

    @Test
    void anIssuerThatIsNoCaIsRefused() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        KeyPair notCaKey = key();
        X509Certificate notCa = certificates.issued(
                notCaKey, "Jami", alice.caCertificate(), alice.caKey().getPrivate(), false);
        X509Certificate device =
                certificates.fromRequest(key().getPublic(), "Jami device", notCa, notCaKey.getPrivate());
        assertThat(DeviceChains.accountOf(List.of(device, notCa, alice.caCertificate())))
                .isEmpty();
    }

    @Test
    void anAccountSignedByAnotherCaIsRefused() {
        AccountKeys alice = TestAccounts.alice();
        List<X509Certificate> chain = List.of(
                alice.device().certificate(),
                alice.account().certificate(),
                TestAccounts.bob().caCertificate());
        assertThat(DeviceChains.accountOf(chain)).isEmpty();
    }

    @Test
    void anExpiredOrNotYetValidChainIsRefused() {
        AccountKeys alice = TestAccounts.alice();
        Instant now = Instant.now();
        assertThat(DeviceChains.accountOf(alice.deviceChain(), Date.from(now.plus(Duration.ofDays(3651)))))
                .isEmpty();
        assertThat(DeviceChains.accountOf(alice.deviceChain(), Date.from(now.minus(Duration.ofDays(1)))))
                .isEmpty();
        assertThat(DeviceChains.accountOf(alice.deviceChain(), Date.from(now.plus(Duration.ofDays(3000)))))
                .contains(alice.accountId());
    }

    private static KeyPair key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(TestAccounts.TEST_RSA_BITS, new SecureRandom());
        return g.generateKeyPair();
    }
}
