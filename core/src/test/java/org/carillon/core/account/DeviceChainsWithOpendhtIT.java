package org.carillon.core.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.carillon.dht.interop.InteropPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GnuTLS, through OpenDHT 2.4.12's Python binding, judges our chains as jamid's {@code
 * foundPeerDevice} does: a trust list holding the top certificate only, then {@code verify}.
 */
class DeviceChainsWithOpendhtIT {
    private static final String CHECK = String.join(
            "\n",
            "import sys, opendht",
            "c = opendht.Certificate(open(sys.argv[1], 'rb').read())",
            "top = c",
            "for _ in range(5):",
            "    if not bytes(top.issuer):", // .issuer of a certificate-less object crashes
            "        break",
            "    top = top.issuer",
            "tl = opendht.TrustList()",
            "tl.add(top)",
            "print('valid' if bool(tl.verify(c)) else 'invalid', c.issuer.getId(), c.getId(), top.getId())",
            "");

    @TempDir
    Path dir;

    @Test
    void gnutlsAcceptsAGeneratedDeviceChainAndNamesTheAccount() throws Exception {
        Path python = InteropPeers.requirePythonOpendht();
        AccountKeys alice = TestAccounts.alice();
        String[] out = check(python, alice.deviceChain());
        assertThat(out[0]).isEqualTo("valid");
        assertThat(out[1]).isEqualTo(alice.accountId().hex());
        assertThat(out[2]).isEqualTo(alice.deviceId().shortId().toString());
        assertThat(out[3]).isEqualTo(PublicKeysOf.id(alice.caCertificate()));
    }

    /**
     * A device certificate naming alice's account as issuer but signed by bob's account key.
     * (A chain whose names do not link, such as bob's device under alice's account, cannot even
     * be loaded by OpenDHT: GnuTLS's list import wants a sorted chain.)
     */
    @Test
    void gnutlsRefusesADeviceTheAccountDidNotSign() throws Exception {
        Path python = InteropPeers.requirePythonOpendht();
        AccountKeys alice = TestAccounts.alice();
        AccountKeys bob = TestAccounts.bob();
        X509Certificate misnamed = new JamiCertificates(new java.security.SecureRandom())
                .fromRequest(
                        TestAccounts.generator()
                                .newDevice(bob, "x", Progress.NONE)
                                .device()
                                .key()
                                .getPublic(),
                        "Jami device",
                        alice.account().certificate(),
                        bob.account().key().getPrivate());
        List<X509Certificate> forged = List.of(misnamed, alice.account().certificate(), alice.caCertificate());
        assertThat(DeviceChains.accountOf(forged)).isEmpty();
        assertThat(check(python, forged)[0]).isEqualTo("invalid");
    }

    private String[] check(Path python, List<X509Certificate> chain) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : chain) {
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Path file = dir.resolve("chain.pem");
        Files.writeString(file, pem);
        return PythonScripts.run(python, CHECK, Duration.ofSeconds(30), file.toString())
                .strip()
                .split(" ");
    }

    private static final class PublicKeysOf {
        static String id(X509Certificate c) {
            return org.carillon.dht.crypto.PublicKeys.id(c.getPublicKey()).toString();
        }
    }
}
