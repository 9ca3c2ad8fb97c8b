package org.carillon.api.methods;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.carillon.api.rpc.Method;
import org.carillon.api.rpc.RpcDispatcher;
import org.junit.jupiter.api.Test;

/**
 * docs/api/openrpc.json is the document rpc.discover serves, and each method behaves as it says:
 * a missing required parameter is named, an undescribed one refused. Run with
 * {@code -Dopenrpc.write=true} to rewrite the file after changing a method.
 */
class OpenRpcDocumentTest {
    static final Path FILE = Path.of("..", "docs", "api", "openrpc.json");

    final CarillonMethods methods = new CarillonMethods((name, params) -> {});
    final Map<String, Object> document = CarillonApi.document(methods.methods());

    @Test
    void theDocumentInDocsIsTheOneServed() throws Exception {
        String served = RpcDispatcher.json()
                        .writer(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                        .withDefaultPrettyPrinter()
                        .writeValueAsString(document)
                + "\n";
        if (Boolean.getBoolean("openrpc.write")) {
            Files.writeString(FILE, served);
        }
        assertThat(Files.readString(FILE))
                .as("docs/api/openrpc.json is out of date: rerun this test with -Dopenrpc.write=true")
                .isEqualTo(served);
    }

    @Test
    void eachMethodChecksTheParametersItDescribes() throws Exception {
        RpcDispatcher rpc = new RpcDispatcher(methods.methods(), () -> document);
        JsonNode discovered = RpcDispatcher.json()
                .readTree(rpc.handle("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":1}")
                        .orElseThrow())
                .get("result");
        assertThat(discovered.get("methods")).hasSize(methods.methods().size());
        for (Method m : methods.methods()) {
            JsonNode unknown = RpcDispatcher.json()
                    .readTree(rpc.handle("{\"jsonrpc\":\"2.0\",\"method\":\"" + m.name()
                                    + "\",\"params\":{\"undescribed\":1},\"id\":1}")
                            .orElseThrow());
            assertThat(unknown.at("/error/message").asText()).as(m.name()).contains("unknown parameter 'undescribed'");
            for (Method.Param p : m.params()) {
                if (p.required()) {
                    JsonNode missing = RpcDispatcher.json()
                            .readTree(rpc.handle("{\"jsonrpc\":\"2.0\",\"method\":\"" + m.name()
                                            + "\",\"params\":{},\"id\":1}")
                                    .orElseThrow());
                    assertThat(missing.at("/error/code").asInt()).as(m.name()).isEqualTo(-32602);
                    assertThat(missing.at("/error/message").asText())
                            .as(m.name())
                            .contains(p.name());
                }
            }
        }
    }
}
