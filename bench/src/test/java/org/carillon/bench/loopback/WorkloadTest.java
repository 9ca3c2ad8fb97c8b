package org.carillon.bench.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadTest {
    @TempDir
    Path dir;

    @Test
    void theSameSeedGivesTheSameOperationsAndEveryGetReadsAValuePutFarEnoughBefore() {
        List<Operation> a = Workload.generate(7, 600, 16);
        List<Operation> b = Workload.generate(7, 600, 16);
        assertThat(a)
                .extracting(Operation::line)
                .isEqualTo(b.stream().map(Operation::line).toList());
        assertThat(Workload.generate(8, 600, 16).get(5).key())
                .isNotEqualTo(a.get(5).key());

        Map<String, Operation> puts = new HashMap<>();
        Map<OpKind, Integer> counts = new HashMap<>();
        for (Operation op : a) {
            counts.merge(op.kind(), 1, Integer::sum);
            switch (op.kind()) {
                case PUT ->
                    assertThat(puts.put(op.key(), op))
                            .as("a put's key is fresh")
                            .isNull();
                case GET -> {
                    Operation put = puts.get(op.key());
                    assertThat(put)
                            .as("get %d reads a key put before", op.index())
                            .isNotNull();
                    assertThat(op.index() - put.index()).isGreaterThanOrEqualTo(16);
                    assertThat(op.data()).isEqualTo(put.data());
                }
                default -> assertThat(puts).doesNotContainKey(op.key());
            }
        }
        assertThat(counts.get(OpKind.PUT)).isBetween(270, 360);
        assertThat(counts.get(OpKind.GET)).isBetween(110, 180);
        assertThat(counts.get(OpKind.MISS)).isBetween(35, 90);
        assertThat(counts.get(OpKind.LISTEN)).isBetween(60, 120);
        assertThat(a.get(0).line()).matches("(put|miss|listen) [0-9a-f]{40} [0-9a-f]{128}");
    }

    @Test
    void pcapRecordsAreCountedInEitherByteOrderAndACutLastRecordIsNot() throws Exception {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            ByteBuffer b = ByteBuffer.allocate(24 + 3 * (16 + 60) + 10).order(order);
            b.putInt(0xa1b2c3d4)
                    .putShort((short) 2)
                    .putShort((short) 4)
                    .putInt(0)
                    .putInt(0)
                    .putInt(64)
                    .putInt(1);
            for (int i = 0; i < 3; i++) {
                b.putInt(i).putInt(0).putInt(60).putInt(90).put(new byte[60]);
            }
            b.putInt(9).putInt(0).put(new byte[2]); // cut short
            Path file = dir.resolve(order + ".pcap");
            Files.write(file, b.array());
            assertThat(PacketCapture.countRecords(file)).as(order.toString()).isEqualTo(3);
        }
    }

    @Test
    void cpuAndMemoryOfThisProcessAreReadFromProc() {
        long pid = ProcessHandle.current().pid();
        assertThat(ProcStat.rssBytes(pid)).isGreaterThan(1 << 20);
        assertThat(ProcStat.cpuSeconds(pid)).isGreaterThan(0);
        assertThat(ProcStat.cpuSeconds(Long.MAX_VALUE)).isEqualTo(-1);
    }
}
