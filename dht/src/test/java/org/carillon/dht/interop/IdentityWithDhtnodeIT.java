package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityFiles;
import org.carillon.dht.crypto.IdentityGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Identity files pass between Carillon and a real dhtnode 2.4.12 both ways. */
@Timeout(120)
class IdentityWithDhtnodeIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void requirePeers() {
        InteropPeers.requireDhtnode();
    }

    @Test
    void dhtnodeRunsWithAnIdentityCarillonCreated() throws Exception {
        IdentityGenerator g = new IdentityGenerator(new SecureRandom());
        Identity ca = g.certificateAuthority("DHT Node CA");
        Identity node = g.identity("DHT Node", ca, IdentityGenerator.DEFAULT_RSA_BITS);
        Path prefix = dir.resolve("carillon");
        IdentityFiles.save(prefix, node, ca, null);
        // Only the clear key: 2.4.12 passes GNUTLS_PKCS_PLAIN when given a password (src/crypto.cpp),
        // so it cannot load any encrypted key, not even the ones it writes itself.
        try (DhtnodeProcess plain = DhtnodeProcess.start(DhtnodeProcess.options()
                .name("carillon-identity")
                .identity(IdentityFiles.certificateFile(prefix), IdentityFiles.keyFile(prefix)))) {
            assertThat(plain.publicKeyId()).contains(node.id());
        }
    }

    @Test
    void carillonLoadsThePasswordProtectedIdentityDhtnodeSaved() throws Exception {
        Path prefix = dir.resolve("locked");
        try (DhtnodeProcess d = DhtnodeProcess.start(DhtnodeProcess.options()
                .name("locked-saver")
                .saveIdentity(prefix)
                .privateKeyPassword("correct horse")
                .startTimeout(java.time.Duration.ofSeconds(60)))) {
            assertThat(java.nio.file.Files.readString(IdentityFiles.keyFile(prefix)))
                    .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
            Identity loaded = IdentityFiles.load(prefix, "correct horse".toCharArray());
            assertThat(d.publicKeyId()).contains(loaded.id());
        }
    }

    @Test
    void carillonLoadsTheIdentityDhtnodeSaved() throws Exception {
        Path prefix = dir.resolve("dhtnode");
        try (DhtnodeProcess d = DhtnodeProcess.start(DhtnodeProcess.options()
                .name("saver")
                .saveIdentity(prefix)
                .startTimeout(java.time.Duration.ofSeconds(60)))) {
            Identity loaded = IdentityFiles.load(prefix, null);
            assertThat(d.publicKeyId()).contains(loaded.id());
            Identity ca = IdentityFiles.load(IdentityFiles.caPrefix(prefix), null);
            loaded.certificate().verify(ca.key().getPublic());
            assertThat(loaded.chain()).hasSize(2);
        }
    }
}
