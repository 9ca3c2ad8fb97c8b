"""Reference for `bench/run codec`: python3-msgpack decoding and encoding the exact datagrams
the Java benchmark uses (exported by CodecExperiment into DIR, listed in DIR/datagrams.json).

This measures msgpack decode/encode only (python3-msgpack's C extension building Python objects),
not OpenDHT's full parse into a ParsedMessage. Timing: rounds of a fixed length like JMH's
iterations; each round times a loop of calls with time.perf_counter_ns, and the same loop calling
a no-op function with the same arguments is subtracted (the interpreter's loop and call cost).

Prints one JSON object per line: first {"info": ...}, then one per (operation, datagram kind).
"""
import argparse
import json
import os
import statistics
import sys
import time

import msgpack


def per_call_ns(fn, arg, round_ns, batch):
    """Mean time of fn(arg) over a loop lasting at least round_ns."""
    calls = 0
    start = time.perf_counter_ns()
    while True:
        for _ in range(batch):
            fn(arg)
        calls += batch
        elapsed = time.perf_counter_ns() - start
        if elapsed >= round_ns:
            return elapsed / calls


def batch_size(fn, arg):
    """Calls per time check so that one batch lasts about a millisecond."""
    n = 1
    while n < 1_000_000:
        start = time.perf_counter_ns()
        for _ in range(n):
            fn(arg)
        if time.perf_counter_ns() - start >= 1_000_000:
            return n
        n *= 2
    return n


def noop(arg):
    return None


def measure(fn, arg, warmup, iterations, round_ns):
    batch = batch_size(fn, arg)
    for _ in range(warmup):
        per_call_ns(fn, arg, round_ns, batch)
    samples = []
    noops = []
    for _ in range(iterations):
        op = per_call_ns(fn, arg, round_ns, batch)
        empty = per_call_ns(noop, arg, max(round_ns // 4, 1), batch)
        samples.append(op - empty)
        noops.append(empty)
    return samples, noops


def unpack(datagram):
    # strict_map_key=False: value-part maps are keyed by integers
    return msgpack.unpackb(datagram, strict_map_key=False)


def receive_fragmented(datagrams):
    """Header, then the parts copied into place, then each reassembled value unpacked."""
    unpack(datagrams[0])
    values = {}
    for datagram in datagrams[1:]:
        for index, part in unpack(datagram)["p"].items():
            buffer = values.setdefault(index, bytearray())
            offset = part["o"]
            buffer[offset : offset + len(part["d"])] = part["d"]
    return [unpack(bytes(v)) for v in values.values()]


def pack_all(objects):
    return [msgpack.packb(o) for o in objects]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--iteration-ms", type=int, default=1000)
    a = parser.parse_args()
    round_ns = a.iteration_ms * 1_000_000

    with open(os.path.join(a.dir, "datagrams.json")) as f:
        manifest = json.load(f)
    print(json.dumps({"info": {
        "python": sys.version.split()[0],
        "msgpack": ".".join(map(str, msgpack.version)),
        "msgpack_extension": msgpack.Packer.__module__,
    }}), flush=True)

    for kind in manifest:
        datagrams = []
        for name in kind["files"]:
            with open(os.path.join(a.dir, name), "rb") as f:
                datagrams.append(f.read())
        objects = [unpack(d) for d in datagrams]
        # the encode side packs the decoded objects: check it yields the very same bytes
        same_bytes = pack_all(objects) == datagrams
        if kind["fragmented"]:
            decode, decode_arg = receive_fragmented, datagrams
            encode, encode_arg = pack_all, objects
        else:
            decode, decode_arg = unpack, datagrams[0]
            encode, encode_arg = msgpack.packb, objects[0]
        for operation, fn, arg in (("decode", decode, decode_arg), ("encode", encode, encode_arg)):
            samples, noops = measure(fn, arg, a.warmup, a.iterations, round_ns)
            print(json.dumps({
                "operation": operation,
                "kind": kind["name"],
                "ns_per_op": statistics.mean(samples),
                "ns_per_op_stdev": statistics.stdev(samples) if len(samples) > 1 else None,
                "noop_ns_per_call": statistics.mean(noops),
                "datagrams": len(datagrams),
                "bytes": sum(len(d) for d in datagrams),
                "repacks_to_same_bytes": same_bytes,
            }), flush=True)


if __name__ == "__main__":
    main()
