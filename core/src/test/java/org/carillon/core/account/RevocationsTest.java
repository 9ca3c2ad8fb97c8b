package org.carillon.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.carillon.dht.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationsTest {
    @TempDir
    Path dir;

    @Test
    void theAccountRevokesADeviceAndKeepsEarlierEntries() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys phone = TestAccounts.generator().newDevice(alice, "phone", Progress.NONE);
        AccountKeys tablet = TestAccounts.generator().newDevice(alice, "tablet", Progress.NONE);
        X509Certificate account = alice.account().certificate();

        X509CRL first = Revocations.revoke(alice, null, List.of(phone.device().certificate()));
        assertThat(first.getVersion()).isEqualTo(2);
        assertThat(first.getIssuerX500Principal()).isEqualTo(account.getSubjectX500Principal());
        assertThat(first.getSigAlgName()).isEqualToIgnoringCase("SHA512withRSA");
        assertThat(first.getNextUpdate()).isEqualTo(account.getNotAfter());
        assertThat(Duration.between(first.getThisUpdate().toInstant(), Instant.now())
                        .abs())
                .isLessThan(Duration.ofMinutes(1));
        assertThat(Revocations.isSignedBy(first, account)).isTrue();
        assertThat(Revocations.isRevoked(first, phone.device().certificate())).isTrue();
        assertThat(Revocations.isRevoked(first, tablet.device().certificate())).isFalse();
        assertThat(Revocations.isRevoked(first, alice.device().certificate())).isFalse();

        X509CRL second = Revocations.revoke(
                alice,
                first,
                List.of(tablet.device().certificate(), phone.device().certificate()));
        assertThat(second.getRevokedCertificates()).hasSize(2);
        assertThat(Revocations.isRevoked(second, phone.device().certificate())).isTrue();
        assertThat(Revocations.isRevoked(second, tablet.device().certificate())).isTrue();
        assertThat(second.getRevokedCertificate(phone.device().certificate()).getRevocationDate())
                .isEqualTo(first.getRevokedCertificate(phone.device().certificate())
                        .getRevocationDate());
        assertThat(number(second)).isEqualTo(number(first).add(BigInteger.ONE));
    }

    @Test
    void aCertificateOfAnotherIssuerIsNotRevokedBySerialAlone() {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys bob = TestAccounts.bob();
        X509CRL crl = Revocations.revoke(
                alice,
                null,
                List.of(TestAccounts.generator()
                        .newDevice(alice, "x", Progress.NONE)
                        .device()
                        .certificate()));
        assertThat(Revocations.isRevoked(crl, bob.device().certificate())).isFalse();
        assertThatThrownBy(() ->
                        Revocations.revoke(alice, null, List.of(bob.device().certificate())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDhtValueIsAnUnsignedBinOfTheDerAndVerifiesAgainstTheAccountOnly() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys bob = TestAccounts.bob();
        X509CRL crl = Revocations.revoke(
                alice,
                null,
                List.of(TestAccounts.generator()
                        .newDevice(alice, "x", Progress.NONE)
                        .device()
                        .certificate()));
        Value value = Revocations.toValue(crl);
        byte[] der = crl.getEncoded();
        assertThat(value.type()).isZero();
        assertThat(value.isSigned()).isFalse();
        assertThat(value.id()).isNotZero();
        assertThat(value.data())
                .startsWith(0xc5, der.length >> 8, der.length & 0xff)
                .endsWith(der)
                .hasSize(der.length + 3);

        assertThat(Revocations.from(value, alice.account().certificate())).contains(crl);
        assertThat(Revocations.from(value, bob.account().certificate())).isEmpty();
        // bob signs a CRL that names alice's account as issuer
        java.security.KeyPair aliceNameBobKey = new java.security.KeyPair(
                alice.account().key().getPublic(), bob.account().key().getPrivate());
        X509CRL forged = Revocations.revoke(
                new AccountKeys(
                        null,
                        alice.caCertificate(),
                        new org.carillon.dht.crypto.Identity(
                                aliceNameBobKey, alice.account().chain()),
                        alice.device(),
                        alice.ethKey()),
                null,
                List.of());
        assertThat(forged.getIssuerX500Principal())
                .isEqualTo(alice.account().certificate().getSubjectX500Principal());
        assertThat(Revocations.from(Revocations.toValue(forged), alice.account().certificate()))
                .isEmpty();
        assertThat(Revocations.from(
                        Value.of(1, 0, new byte[] {(byte) 0xc4, 1, 0}),
                        alice.account().certificate()))
                .isEmpty();
        assertThat(Revocations.from(Value.of(1, 0, der), alice.account().certificate()))
                .as("not packed")
                .isEmpty();
    }

    /** OpenSSL, independently of Java, checks the CRL's signature against the account certificate. */
    @Test
    void opensslVerifiesTheCrlWithTheAccountCertificate() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl), "openssl not installed");
        AccountKeys alice = TestAccounts.alice();
        X509CRL crl = Revocations.revoke(
                alice,
                null,
                List.of(TestAccounts.generator()
                        .newDevice(alice, "x", Progress.NONE)
                        .device()
                        .certificate()));
        Path crlFile = dir.resolve("crl.der");
        Files.write(crlFile, crl.getEncoded());
        Path certFile = dir.resolve("account.pem");
        Files.writeString(
                certFile,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'})
                                .encodeToString(alice.account().certificate().getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        Process p = new ProcessBuilder(
                        openssl.toString(),
                        "crl",
                        "-inform",
                        "DER",
                        "-in",
                        crlFile.toString(),
                        "-CAfile",
                        certFile.toString(),
                        "-noout")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(out).contains("verify OK");
        assertThat(p.exitValue()).isZero();
    }

    private static BigInteger number(X509CRL crl) throws Exception {
        byte[] ext = crl.getExtensionValue("2.5.29.20");
        return ASN1Integer.getInstance(ASN1Primitive.fromByteArray(
                        ASN1OctetString.getInstance(ext).getOctets()))
                .getValue();
    }
}
