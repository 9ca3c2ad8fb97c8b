package org.carillon.bench.throughput;

import java.net.InetSocketAddress;
import org.carillon.dht.interop.DhtnodeProcess;

/** A real OpenDHT {@code dhtnode -U} (no rate limits, no storage cap), alone, started by the interop fixture. */
final class OpenDhtNode implements NodeUnderTest {
    private final DhtnodeProcess process;

    private OpenDhtNode(DhtnodeProcess process) {
        this.process = process;
    }

    /** {@code dhtnode -p PORT -U}: no {@code -v}, so the node spends nothing on logging. */
    static OpenDhtNode start() {
        return new OpenDhtNode(DhtnodeProcess.start(
                DhtnodeProcess.options().noRateLimit().verbose(false).name("throughput-dhtnode")));
    }

    @Override
    public String side() {
        return "OpenDHT";
    }

    @Override
    public InetSocketAddress address() {
        return process.address();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String command() {
        return "dhtnode -p " + process.port() + " -U";
    }

    @Override
    public void close() {
        process.close();
    }
}
