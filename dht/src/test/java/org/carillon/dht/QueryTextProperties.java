package org.carillon.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class QueryTextProperties {

    @Property(tries = 500)
    void everyQueryReadsBackFromItsText(@ForAll("queries") Query query) {
        assertThat(Query.parse(query.toText())).isEqualTo(query);
    }

    @Property(tries = 2000)
    void anyTextEitherParsesOrIsAnIllegalArgument(@ForAll("junk") String text) {
        try {
            Query parsed = Query.parse(text);
            assertThat(Query.parse(parsed.toText())).isEqualTo(parsed);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).startsWith("bad query at column ").doesNotContainPattern("\\p{Cntrl}");
        }
    }

    @Provide
    Arbitrary<String> junk() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of(
                        "SELECT",
                        "select",
                        "WHERE",
                        "id",
                        "seq",
                        "value_type",
                        "user_type",
                        "owner_pk",
                        "*",
                        ",",
                        "=",
                        "\"",
                        "\\",
                        " ",
                        "0",
                        "0x",
                        "65536",
                        "text/plain",
                        "\u0000",
                        "\u001b",
                        "é"),
                Arbitraries.strings().ofMaxLength(4));
        return pieces.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<Query> queries() {
        Arbitrary<List<Field>> select =
                Arbitraries.of(Field.values()).list().ofMaxSize(5).uniqueElements();
        Arbitrary<Query.Condition> condition = Arbitraries.oneOf(
                Arbitraries.longs().map(Query.Condition::id),
                Arbitraries.integers().between(0, 65535).map(Query.Condition::valueType),
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofSize(20)
                        .map(b -> new Query.Condition(Field.OWNER_PK, InfoHash.of(b))),
                Arbitraries.strings()
                        .ofMinLength(1)
                        .ofMaxLength(20)
                        .filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c)))
                        .map(Query.Condition::userType));
        return Combinators.combine(select, condition.list().ofMaxSize(4))
                .as((s, w) -> new Query(new ArrayList<>(s), w));
    }
}
