package org.carillon.bench.throughput;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorageNodeMainTest {
    @Test
    void countsPausesButNotConcurrentCycles() {
        assertThat(StorageNodeMain.stopsTheNode("Shenandoah Pauses")).isTrue();
        assertThat(StorageNodeMain.stopsTheNode("ZGC Pauses")).isTrue();
        assertThat(StorageNodeMain.stopsTheNode("G1 Young Generation")).isTrue();
        assertThat(StorageNodeMain.stopsTheNode("Copy")).isTrue();
        assertThat(StorageNodeMain.stopsTheNode("Shenandoah Cycles")).isFalse();
        assertThat(StorageNodeMain.stopsTheNode("ZGC Cycles")).isFalse();
    }
}
