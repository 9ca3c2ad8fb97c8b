#!/usr/bin/python3
"""Workload driver of the loopback benchmarks (bench/run side-by-side, bench/run mixed): two
python3-opendht 2.4.12 DhtRunners in one process, a writer (puts) and a reader (gets, listens),
bound to 127.0.0.1 and bootstrapped from loopback addresses only.

    opendht_workload.py --writer-port P --reader-port Q --bootstrap 127.0.0.1:R [...]

Commands on stdin, one per line; every answer is one JSON object per line on stdout:

    nodes                     -> {"event":"nodes","writer":N,"reader":M}  (IPv4 routing-table sizes)
    noop COUNT                -> {"event":"noop","binding_call_us":X,"python_call_us":Y}
    run FILE CONCURRENCY TIMEOUT_MS LEAD_MS
                              -> {"event":"op",...} per operation, then {"event":"done","ops":N}
    watch FILE                -> {"event":"watching","n":N}, later {"event":"delivered","key":K,"t_ns":T}
    quit                      -> {"event":"bye"}, then the process exits

FILE holds one operation a line, "KIND KEY DATA" (KEY: 40 hex digits, DATA: hex):
    put    the writer puts a fresh value DATA at KEY; ok when the put completed successfully
    get    the reader gets KEY; ok when a value with data DATA came back
    miss   the reader gets KEY (never put); ok when the get completed and found nothing
    listen the reader listens at KEY, LEAD_MS later the writer puts DATA there; ok when the
           listen delivered DATA; latency = delivery time - start of that put
A get of a key put earlier in the same file waits for that put to complete. At most CONCURRENCY
operations are in flight. Times come from time.monotonic_ns() (CLOCK_MONOTONIC, the clock of
Java's System.nanoTime() on Linux), so the caller can compare them with its own.
"""
import argparse
import heapq
import json
import re
import sys
import threading
import time

import opendht as dht

AF_INET = 2
_out_lock = threading.Lock()


def emit(obj):
    line = json.dumps(obj, separators=(",", ":"))
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def loopback(s):
    m = re.fullmatch(r"127\.0\.0\.1:(\d+)", s)
    if not m:
        raise SystemExit("refusing non-loopback bootstrap %r" % s)
    return "127.0.0.1", m.group(1)


def key_of(s):
    return dht.InfoHash(s.lower().encode())


class Timers:
    """One thread running delayed actions (listen leads, time-outs) in time order."""

    def __init__(self):
        self._heap = []
        self._seq = 0
        self._cv = threading.Condition()
        threading.Thread(target=self._loop, daemon=True).start()

    def after(self, ms, fn):
        with self._cv:
            self._seq += 1
            heapq.heappush(self._heap, (time.monotonic() + ms / 1000.0, self._seq, fn))
            self._cv.notify()

    def _loop(self):
        while True:
            with self._cv:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cv.wait(wait)
                _, _, fn = heapq.heappop(self._heap)
            try:
                fn()
            except Exception as e:  # keep the timer thread alive
                emit({"event": "error", "message": "%s: %s" % (type(e).__name__, e)})


class Op:
    def __init__(self, index, kind, key, data):
        self.index = index
        self.kind = kind
        self.key = key
        self.data = bytes.fromhex(data) if data != "-" else b""
        self.start_ns = 0
        self.put_start_ns = 0
        self.finished = False
        self.lock = threading.Lock()


class Driver:
    def __init__(self, writer, reader):
        self.writer = writer
        self.reader = reader
        self.timers = Timers()
        self.tokens = []  # listens of watch
        self.run_tokens = []  # listens of the running workload
        self.cancelled = []

    def nodes(self):
        def count(node):
            n = 0
            for line in node.getRoutingTablesLog(AF_INET).splitlines():
                if re.match(r"\s+Node [0-9a-f]{40} ", line) and "[expired]" not in line:
                    n += 1
            return n

        emit({"event": "nodes", "writer": count(self.writer), "reader": count(self.reader)})

    def noop(self, count):
        count = int(count)
        t = time.perf_counter()
        for _ in range(count):
            self.reader.isRunning()
        binding = (time.perf_counter() - t) / count * 1e6

        def nothing():
            return True

        t = time.perf_counter()
        for _ in range(count):
            nothing()
        plain = (time.perf_counter() - t) / count * 1e6
        emit({"event": "noop", "binding_call_us": binding, "python_call_us": plain})

    def run(self, path, concurrency, timeout_ms, lead_ms):
        concurrency, timeout_ms, lead_ms = int(concurrency), int(timeout_ms), int(lead_ms)
        ops = []
        with open(path) as f:
            for i, line in enumerate(f):
                w = line.split()
                if w:
                    ops.append(Op(i, w[0], w[1], w[2] if len(w) > 2 else "-"))
        slots = threading.Semaphore(concurrency)
        put_done = {op.key: threading.Event() for op in ops if op.kind == "put"}
        all_done = threading.Semaphore(0)

        def finish(op, ok, end_ns=None):
            with op.lock:
                if op.finished:
                    return
                op.finished = True
            end_ns = end_ns or time.monotonic_ns()
            begin = op.put_start_ns if op.kind == "listen" else op.start_ns
            latency = (end_ns - begin) / 1e6 if ok and begin else None
            emit({"event": "op", "i": op.index, "kind": op.kind, "key": op.key, "ok": bool(ok),
                  "latency_ms": latency, "start_ns": op.start_ns})
            if op.kind == "put":
                put_done[op.key].set()
            slots.release()
            all_done.release()

        for op in ops:
            if op.kind in ("get", "miss") and op.key in put_done:
                put_done[op.key].wait(timeout_ms / 1000.0)
            slots.acquire()
            self.timers.after(timeout_ms, lambda op=op: finish(op, False))
            op.start_ns = time.monotonic_ns()
            self.start(op, finish, lead_ms)
        for _ in ops:
            all_done.acquire()
        emit({"event": "done", "ops": len(ops)})
        self.cancel(self.run_tokens)
        self.run_tokens = []

    def start(self, op, finish, lead_ms):
        key = key_of(op.key)
        if op.kind == "put":
            self.writer.put(key, dht.Value(op.data), done_cb=lambda ok, _n: finish(op, ok))
        elif op.kind in ("get", "miss"):
            found = [False, 0]

            def on_value(v):
                found[1] += 1
                if bytes(v.data) == op.data:
                    found[0] = True
                return True

            def done(ok, _n):
                finish(op, ok and (found[0] if op.kind == "get" else found[1] == 0))

            self.reader.get(key, get_cb=on_value, done_cb=done)
        elif op.kind == "listen":
            def on_value(v, expired):
                if not expired and bytes(v.data) == op.data:
                    finish(op, True, time.monotonic_ns())
                return True

            self.run_tokens.append(self.listen(key, on_value))

            def put():
                op.put_start_ns = time.monotonic_ns()
                self.writer.put(key, dht.Value(op.data))

            self.timers.after(lead_ms, put)
        else:
            raise ValueError("unknown operation %r" % op.kind)

    def watch(self, path):
        n = 0
        with open(path) as f:
            for line in f:
                w = line.split()
                if not w:
                    continue
                key_hex, data = w[0], bytes.fromhex(w[1])
                seen = [False]

                def on_value(v, expired, key_hex=key_hex, data=data, seen=seen):
                    if not expired and not seen[0] and bytes(v.data) == data:
                        seen[0] = True
                        emit({"event": "delivered", "key": key_hex, "t_ns": time.monotonic_ns()})
                    return True

                key = key_of(key_hex)
                self.tokens.append(self.listen(key, on_value))
                n += 1
        emit({"event": "watching", "n": n})

    # The 2.4.12 bindings keep a listen's callback object in ListenToken._cb, a dict shared by
    # every token (a class attribute), and cancelListen releases whatever it holds: cancelling
    # several listens would release the last listen's callback several times and crash python3
    # (segfault) when that callback is next called. So each listen remembers its own callback
    # object, puts it back into the shared dict just before its cancel, and keeps it alive.
    def listen(self, key, on_value):
        token = self.reader.listen(key, on_value)
        return token, token._cb["cb"]

    def cancel(self, tokens):
        for token, cb in tokens:
            token._cb["cb"] = cb
            self.reader.cancelListen(token)
        self.cancelled.extend(tokens)

    def cancel_listens(self):
        self.cancel(self.tokens)
        self.tokens = []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--writer-port", type=int, required=True)
    ap.add_argument("--reader-port", type=int, required=True)
    ap.add_argument("--bootstrap", action="append", default=[])
    args = ap.parse_args()
    boots = [loopback(b) for b in args.bootstrap]

    nodes = []
    for port in (args.writer_port, args.reader_port):
        node = dht.DhtRunner()
        node.run(port=port, ipv4="127.0.0.1", config=dht.DhtConfig())  # IPv4 loopback only
        for host, p in boots:
            node.bootstrap(host, p)
        nodes.append(node)
    writer, reader = nodes
    emit({"event": "ready", "writer": writer.getNodeId().decode(), "reader": reader.getNodeId().decode(),
          "writer_bound": str(writer.getBound()), "reader_bound": str(reader.getBound())})

    driver = Driver(writer, reader)
    commands = {"nodes": driver.nodes, "noop": driver.noop, "run": driver.run, "watch": driver.watch}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        fn = commands.get(words[0])
        try:
            if fn is None:
                raise ValueError("unknown command %r" % words[0])
            fn(*words[1:])
        except Exception as e:  # report and keep going
            emit({"event": "error", "message": ("%s: %s" % (type(e).__name__, e)).replace("\n", " ")})

    driver.cancel_listens()
    for node in nodes:
        stopped = threading.Event()
        node.shutdown(stopped.set)
        stopped.wait(5)
    emit({"event": "bye"})
    for node in nodes:
        node.join()


if __name__ == "__main__":
    main()
