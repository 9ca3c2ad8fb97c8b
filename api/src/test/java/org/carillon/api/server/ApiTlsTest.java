package org.carillon.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.carillon.api.client.ApiClient;
import org.carillon.api.rpc.Method;
import org.carillon.api.rpc.RpcDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTlsTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    static RpcDispatcher echo() {
        return new RpcDispatcher(
                List.of(new Method(
                        "echo",
                        "says it back",
                        List.of(Method.Param.required("text", "", Method.string())),
                        Method.string(),
                        p -> p.string("text"))),
                () -> Map.of());
    }

    /** What a client does with the fingerprint the daemon printed: trusts exactly that certificate. */
    static SSLContext trusting(ApiCertificate certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("daemon", certificate.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    @Test
    void withACertificateTheApiSpeaksWssToAClientThatTrustsItAndOnlyToThatOne() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ApiCertificate certificate = ApiCertificate.loadOrCreate(dir, loopback);
        Path file = dir.resolve(ApiCertificate.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(certificate.fingerprint())
                .isEqualTo(HexFormat.ofDelimiter(":")
                        .withUpperCase()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(certificate.certificate().getEncoded())))
                .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(ApiCertificate.loadOrCreate(dir, loopback).fingerprint())
                .as("made once, then reused")
                .isEqualTo(certificate.fingerprint());

        ApiServer server = ApiServer.start(new InetSocketAddress(loopback, 0), TOKEN, echo(), certificate);
        try {
            assertThat(server.uri().getScheme()).isEqualTo("wss");
            try (ApiClient client = ApiClient.connect(server.uri(), TOKEN, TIMEOUT, trusting(certificate))) {
                assertThat(client.call("echo", Map.of("text", "over tls"))
                                .get(10, TimeUnit.SECONDS)
                                .asText())
                        .isEqualTo("over tls");
            }
            assertThatThrownBy(() -> ApiClient.connect(server.uri(), TOKEN, TIMEOUT))
                    .as("a client that does not trust the certificate gets nowhere")
                    .isInstanceOf(IOException.class);
            ApiCertificate other = ApiCertificate.loadOrCreate(Files.createDirectory(dir.resolve("other")), loopback);
            assertThatThrownBy(() -> ApiClient.connect(server.uri(), TOKEN, TIMEOUT, trusting(other)))
                    .as("nor one that pinned another certificate")
                    .isInstanceOf(IOException.class);
        } finally {
            server.close();
        }
    }

    @Test
    void aNonLoopbackAddressWithoutTlsIsRefusedBeforeAnythingListens() {
        for (String address : List.of("0.0.0.0", "192.0.2.1", "::")) {
            assertThatThrownBy(() ->
                            ApiServer.start(new InetSocketAddress(InetAddress.getByName(address), 0), TOKEN, echo()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("only with TLS");
        }
    }

    @Test
    void aDamagedCertificateFileIsNamed() throws Exception {
        Files.writeString(dir.resolve(ApiCertificate.FILE), "not a key store");
        assertThatThrownBy(() -> ApiCertificate.loadOrCreate(dir, InetAddress.getLoopbackAddress()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(ApiCertificate.FILE)
                .hasMessageContaining("delete it");
    }
}
