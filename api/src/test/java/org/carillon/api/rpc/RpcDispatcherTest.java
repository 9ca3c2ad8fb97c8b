package org.carillon.api.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The specification's rules (jsonrpc.org/specification, section 7's examples by name) and the bounds. */
class RpcDispatcherTest {
    final AtomicInteger notified = new AtomicInteger();
    final RpcDispatcher rpc = new RpcDispatcher(
            List.of(
                    new Method(
                            "subtract",
                            "minuend - subtrahend",
                            List.of(
                                    Method.Param.required("minuend", "", Method.integer()),
                                    Method.Param.required("subtrahend", "", Method.integer())),
                            Method.integer(),
                            p -> p.integer("minuend", -1000, 1000) - p.integer("subtrahend", -1000, 1000)),
                    new Method("update", "counts", List.of(), Method.nothing(), p -> {
                        notified.incrementAndGet();
                        return null;
                    }),
                    new Method("fails", "throws", List.of(), Method.nothing(), p -> {
                        throw new IllegalStateException("boom");
                    }),
                    new Method("missing", "not found", List.of(), Method.nothing(), p -> {
                        throw RpcException.notFound("no such account");
                    })),
            () -> Map.of("openrpc", "1.3.2"));

    JsonNode call(String frame) throws Exception {
        Optional<String> out = rpc.handle(frame);
        assertThat(out).as("a response to " + frame).isPresent();
        return RpcDispatcher.json().readTree(out.get());
    }

    @Test
    void callByNameAnswersWithTheSameId() throws Exception {
        JsonNode r = call(
                "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"subtrahend\":23,\"minuend\":42},\"id\":3}");
        assertThat(r.toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":19,\"id\":3}");
        r = call(
                "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"subtrahend\":42,\"minuend\":23},\"id\":\"x\"}");
        assertThat(r.toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":-19,\"id\":\"x\"}");
    }

    @Test
    void notificationsAreRunAndNotAnswered() {
        assertThat(rpc.handle("{\"jsonrpc\":\"2.0\",\"method\":\"update\"}")).isEmpty();
        assertThat(rpc.handle("{\"jsonrpc\":\"2.0\",\"method\":\"foobar\"}"))
                .as("even unknown ones")
                .isEmpty();
        assertThat(notified).hasValue(1);
    }

    @Test
    void errorsCarryTheStandardCodes() throws Exception {
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"foobar\",\"id\":\"1\"}")
                        .at("/error/code")
                        .asInt())
                .isEqualTo(-32601);
        JsonNode parse = call("{\"jsonrpc\":\"2.0\",\"method\":\"foobar, \"params\":\"bar\",\"baz]");
        assertThat(parse.at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(parse.get("id").isNull()).isTrue();
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":1,\"params\":\"bar\"}")
                        .at("/error/code")
                        .asInt())
                .isEqualTo(-32600);
        assertThat(call("{\"jsonrpc\":\"1.0\",\"method\":\"update\",\"id\":1}")
                        .at("/error/code")
                        .asInt())
                .isEqualTo(-32600);
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"update\",\"id\":{}}")
                        .at("/error/code")
                        .asInt())
                .isEqualTo(-32600);
        JsonNode internal = call("{\"jsonrpc\":\"2.0\",\"method\":\"fails\",\"id\":7}");
        assertThat(internal.at("/error/code").asInt()).isEqualTo(-32603);
        assertThat(internal.at("/error/message").asText()).doesNotContain("boom"); // internals stay in the log
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"missing\",\"id\":8}")
                        .at("/error/code")
                        .asInt())
                .isEqualTo(RpcError.NOT_FOUND);
    }

    @Test
    void paramsAreCheckedAgainstTheDescriptionBeforeTheMethodRuns() throws Exception {
        JsonNode missing = call("{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"minuend\":1},\"id\":1}");
        assertThat(missing.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(missing.at("/error/message").asText()).contains("subtrahend");
        JsonNode unknown = call(
                "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"minuend\":1,\"subtrahend\":2,\"x\":3},\"id\":1}");
        assertThat(unknown.at("/error/message").asText()).contains("unknown parameter 'x'");
        JsonNode wrongType = call(
                "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"minuend\":\"1\",\"subtrahend\":2},\"id\":1}");
        assertThat(wrongType.at("/error/message").asText()).contains("'minuend' must be an integer");
        JsonNode range = call(
                "{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"minuend\":1e300,\"subtrahend\":2},\"id\":1}");
        assertThat(range.at("/error/code").asInt()).isEqualTo(-32602);
        JsonNode positional = call("{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":[42,23],\"id\":1}");
        assertThat(positional.at("/error/message").asText()).contains("by name");
    }

    @Test
    void batchesAnswerEachRequestAndLeaveNotificationsOut() throws Exception {
        JsonNode r = call(
                "[{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"minuend\":2,\"subtrahend\":1},\"id\":\"1\"},"
                        + "{\"jsonrpc\":\"2.0\",\"method\":\"update\"},"
                        + "{\"foo\":\"boo\"},"
                        + "{\"jsonrpc\":\"2.0\",\"method\":\"foo.get\",\"params\":{\"name\":\"myself\"},\"id\":\"5\"},"
                        + "1]");
        assertThat(r.isArray()).isTrue();
        assertThat(r).hasSize(4);
        assertThat(r.get(0).get("result").asInt()).isEqualTo(1);
        assertThat(r.get(1).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(r.get(2).at("/error/code").asInt()).isEqualTo(-32601);
        assertThat(r.get(3).at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(call("[]").at("/error/code").asInt()).isEqualTo(-32600);
        assertThat(rpc.handle(
                        "[{\"jsonrpc\":\"2.0\",\"method\":\"update\"},{\"jsonrpc\":\"2.0\",\"method\":\"update\"}]"))
                .isEmpty();
    }

    @Test
    void boundsAreErrorsNotCrashes() throws Exception {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(call(deep).at("/error/code").asInt()).isEqualTo(-32700);
        String big = "{\"jsonrpc\":\"2.0\",\"method\":\"update\",\"params\":{\"x\":\""
                + "a".repeat(RpcDispatcher.MAX_FRAME_CHARS) + "\"},\"id\":1}";
        assertThat(call(big).at("/error/code").asInt()).isEqualTo(RpcError.TOO_LARGE);
        String batch = "[" + "{\"jsonrpc\":\"2.0\",\"method\":\"update\"},".repeat(RpcDispatcher.MAX_BATCH) + "1]";
        assertThat(call(batch).at("/error/code").asInt()).isEqualTo(RpcError.TOO_LARGE);
        assertThat(call("").at("/error/code").asInt()).isEqualTo(-32700);
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"update\",\"id\":NaN}")
                        .at("/error/code")
                        .asInt())
                .isEqualTo(-32700);
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"update\",\"id\":1} trailing")
                        .at("/error/code")
                        .asInt())
                .isEqualTo(-32700);
    }

    @Test
    void discoverAnswersTheDocument() throws Exception {
        assertThat(call("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":1}")
                        .at("/result/openrpc")
                        .asText())
                .isEqualTo("1.3.2");
    }
}
