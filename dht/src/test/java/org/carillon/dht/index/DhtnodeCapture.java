package org.carillon.dht.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;

/**
 * What real dhtnode 2.4.12 did with its {@code ii}/{@code il} verbs, as recorded by {@code
 * index/capture_pht.py}: the console commands with their output, and every value the nodes stored
 * (key, id, user type, data) as python3-opendht read them back.
 */
record DhtnodeCapture(List<Command> commands, Map<InfoHash, List<Value>> values) {
    static final String RESOURCE = "/index/dhtnode-pht-capture.txt";

    /** A console line and what dhtnode printed after it (its echo of the line excluded). */
    record Command(String line, List<String> output) {
        String verb() {
            return line.split(" ")[0];
        }
    }

    static DhtnodeCapture load() {
        String text;
        try (InputStream in = DhtnodeCapture.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Command> commands = new ArrayList<>();
        Map<InfoHash, List<Value>> values = new LinkedHashMap<>();
        String command = null;
        List<String> output = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("COMMAND ")) {
                if (command != null) {
                    commands.add(new Command(command, List.copyOf(output)));
                }
                command = line.substring("COMMAND ".length());
                output = new ArrayList<>();
            } else if (line.startsWith("OUT") && output != null) {
                String out = line.length() > 4 ? line.substring(4) : "";
                if (!out.equals(command)) {
                    output.add(out);
                }
            } else if (line.startsWith("VALUE ")) {
                String[] f = line.split(" ");
                long id = Long.parseUnsignedLong(f[2], 16);
                String userType = f[3].equals("-") ? "" : f[3];
                byte[] data = f[4].equals("-") ? new byte[0] : HexFormat.of().parseHex(f[4]);
                values.computeIfAbsent(InfoHash.fromHex(f[1]), k -> new ArrayList<>())
                        .add(Value.of(id, 0, data, userType));
            }
        }
        if (command != null) {
            commands.add(new Command(command, List.copyOf(output)));
        }
        return new DhtnodeCapture(List.copyOf(commands), Map.copyOf(values));
    }

    List<Command> commands(String verb) {
        return commands.stream().filter(c -> c.verb().equals(verb)).toList();
    }

    /** A fake DHT holding exactly what the dhtnodes stored. */
    FakeIndexStorage toStorage(FakeClock clock) {
        FakeIndexStorage storage = new FakeIndexStorage(clock, 1);
        values.forEach((key, vs) -> vs.forEach(v -> storage.plant(key, v)));
        return storage;
    }
}
