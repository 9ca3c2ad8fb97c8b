package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerbTableTest {

    @Test
    void theStandardTableHasEveryVerbDhtnodeListsAndTheIndexPlaceholders() {
        VerbTable table = VerbTable.standard();

        for (String word : List.of(
                "h", "help", "x", "quit", "exit", "log", "ll", "ls", "ld", "lr", "b", "g", "q", "l", "cl", "p", "pp",
                "cpp", "cc", "ii", "il", "s", "e")) {
            assertThat(table.find(word)).as(word).isPresent();
        }
        assertThat(table.find("nope")).isEmpty();
    }

    @Test
    void aVerbRegisteredUnderAnExistingNameReplacesItInPlace() {
        ConsoleHarness console = ConsoleHarness.text();
        List<String> before = console.verbs.all().stream().map(Verb::name).toList();

        console.verbs.register(Verb.of(
                "ii",
                Verb.Section.INDEX,
                "ii <name> <key> <value>",
                "Inserts.",
                3,
                3,
                call -> call.out().info(call, "inserted " + call.arg(2))));

        assertThat(console.verbs.all().stream().map(Verb::name).toList()).isEqualTo(before);
        assertThat(console.run("ii idx k v1")).isTrue();
        assertThat(console.outLines()).containsExactly("inserted v1");
        assertThat(console.session.failed()).isFalse();
    }

    @Test
    void anAliasThatAnotherVerbAnswersToIsRefused() {
        VerbTable table = VerbTable.standard();

        assertThatThrownBy(() -> table.register(Verb.of("get", Verb.Section.DHT, "get", "Get.", 0, 0, call -> {})
                        .withAliases("g")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alias 'g' of get is taken by g");
    }

    @Test
    void aVerbWithImpossibleArityCannotBeMade() {
        assertThatThrownBy(() -> Verb.of("z", Verb.Section.DHT, "z", "Z.", 2, 1, call -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
