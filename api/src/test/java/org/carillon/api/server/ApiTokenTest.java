package org.carillon.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceOwnerOnlyThenReadBack() throws Exception {
        assertThatThrownBy(() -> ApiToken.read(dir))
                .hasMessageContaining("no API token at " + dir.resolve("api.token"));
        String token = ApiToken.loadOrCreate(dir);
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ApiToken.FILE))))
                .isEqualTo("rw-------");
        assertThat(ApiToken.loadOrCreate(dir)).isEqualTo(token);
        assertThat(ApiToken.read(dir)).isEqualTo(token);
        assertThat(ApiToken.loadOrCreate(Files.createDirectory(dir.resolve("other"))))
                .isNotEqualTo(token);
    }

    @Test
    void aDamagedFileIsNamed() throws Exception {
        Files.writeString(dir.resolve(ApiToken.FILE), "hello");
        assertThatThrownBy(() -> ApiToken.read(dir))
                .hasMessageContaining(dir.resolve("api.token") + " is not an API token");
    }
}
