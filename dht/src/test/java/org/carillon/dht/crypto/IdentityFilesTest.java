package org.carillon.dht.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFilesTest {
    private static Identity ca;
    private static Identity node;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() throws Exception {
        IdentityGenerator g = new IdentityGenerator(new SecureRandom());
        ca = g.certificateAuthority("DHT Node CA");
        node = g.identity("DHT Node", ca, 2048); // 4096 in production; the shape is what matters here
    }

    @Test
    void readsTheFilesDhtnodeWrites() throws Exception {
        copyResource("idE.pem", dir.resolve("idE.pem"));
        copyResource("idE.crt", dir.resolve("idE.crt"));
        Identity e = IdentityFiles.load(dir.resolve("idE"), null);
        assertThat(e.chain()).hasSize(2);
        assertThat(e.key().getPrivate().getAlgorithm()).isEqualTo("RSA");
        assertThat(e.key().getPublic().getEncoded()).hasSize(550);
        assertThat(e.certificate().getSubjectX500Principal().getName()).contains(e.id().toString());
    }

    @Test
    void generatedIdentitiesLookLikeDhtnodes() throws Exception {
        X509Certificate leaf = node.certificate();
        X509Certificate root = ca.certificate();
        leaf.verify(root.getPublicKey());
        root.verify(root.getPublicKey());
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("UID=" + node.id() + ",CN=DHT Node");
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(root.getSigAlgName()).isEqualTo("SHA384withECDSA");
        byte[] ski = leaf.getExtensionValue("2.5.29.14");
        assertThat(HexFormat.of().formatHex(ski)).endsWith(node.id().toString());
        assertThat(node.chain()).containsExactly(leaf, root);
    }

    @Test
    void savesAndLoadsBackWithOwnerOnlyKeys() throws Exception {
        Path prefix = dir.resolve("me");
        IdentityFiles.save(prefix, node, ca, null);
        Identity back = IdentityFiles.load(prefix, null);
        assertThat(back.key().getPrivate()).isEqualTo(node.key().getPrivate());
        assertThat(back.chain()).isEqualTo(node.chain());
        assertThat(IdentityFiles.load(dir.resolve("me_ca"), null).certificate()).isEqualTo(ca.certificate());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("me.pem"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("me.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("me.pem", "me.crt", "me_ca.pem", "me_ca.crt");
    }

    @Test
    void aPasswordProtectsTheKey() throws Exception {
        Path prefix = dir.resolve("locked");
        IdentityFiles.save(prefix, node, null, "s3cret".toCharArray());
        assertThat(Files.readString(dir.resolve("locked.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(IdentityFiles.load(prefix, "s3cret".toCharArray()).key().getPrivate())
                .isEqualTo(node.key().getPrivate());
        assertThatThrownBy(() -> IdentityFiles.load(prefix, "wrong".toCharArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("locked.pem")
                .hasMessageContaining("wrong password");
        assertThatThrownBy(() -> IdentityFiles.load(prefix, null)).hasMessageContaining("password-protected");
    }

    @Test
    void brokenFilesAreReportedWithTheirPath() throws Exception {
        Path prefix = dir.resolve("broken");
        assertThatThrownBy(() -> IdentityFiles.load(prefix, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("broken.crt")
                .hasMessageContaining("does not exist");
        IdentityFiles.save(prefix, node, null, null);
        Files.writeString(dir.resolve("broken.crt"), "-----BEGIN CERTIFICATE-----\nnot base64!\n");
        assertThatThrownBy(() -> IdentityFiles.load(prefix, null)).hasMessageContaining("broken.crt");
        IdentityFiles.save(prefix, node, null, null);
        Files.writeString(dir.resolve("broken.pem"), "garbage");
        assertThatThrownBy(() -> IdentityFiles.load(prefix, null)).hasMessageContaining("broken.pem");
        IdentityFiles.save(prefix, node, null, null);
        Files.copy(dir.resolve("broken.crt"), dir.resolve("other.crt"));
        IdentityFiles.save(dir.resolve("other"), ca, null, null);
        Files.copy(
                dir.resolve("broken.crt"), dir.resolve("other.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> IdentityFiles.load(dir.resolve("other"), null))
                .hasMessageContaining("do not belong together");
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = IdentityFilesTest.class.getResourceAsStream("/opendht-vectors/" + name)) {
            Files.copy(in, to);
        }
    }
}
