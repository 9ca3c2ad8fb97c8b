#!/usr/bin/python3
"""Captures what dhtnode 2.4.12's prefix-hash-tree index (console verbs ii / il) writes to the DHT.

Run with /usr/bin/python3 (Debian's python3-opendht). Everything stays on 127.0.0.1: two dhtnode
processes (A does the ii/il commands, B is a second storage node) and one python3-opendht node
(C) that reads the raw values back. Ports are chosen at run time; only the processes started here
are stopped, by their own handles.

    capture_pht.py OUTPUT.txt

OUTPUT.txt is line based (read by DhtnodeCaptureTest):
    COMMAND <console line sent to A>      then one OUT <line> per line dhtnode printed for it
    STORAGE <node> <"Storage ..." line of ld>
    VALUE <key> <value id hex> <user type> <data hex, "-" when empty>
"""
import random
import socket
import subprocess
import sys
import threading
import time

import opendht as dht


def free_udp_port():
    for _ in range(200):
        port = random.randint(20000, 32767)
        ok = True
        for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            try:
                s.bind((addr, port))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return port
    raise SystemExit("no free port")


class Console:
    """A dhtnode whose console is driven through stdin; stdout lines are collected."""

    def __init__(self, name, port, bootstrap=None):
        cmd = ["dhtnode", "-p", str(port)]
        if bootstrap:
            cmd += ["-b", "127.0.0.1:%d" % bootstrap]
        self.name = name
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines = []
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(lambda l: "running on" in l, 0, 20)

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.rstrip("\n")
            while line.startswith(">> "):
                line = line[3:]
            with self.cv:
                self.lines.append(line)
                self.cv.notify_all()

    def mark(self):
        with self.cv:
            return len(self.lines)

    def send(self, line):
        m = self.mark()
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return m

    def wait_for(self, pred, start, timeout):
        deadline = time.time() + timeout
        with self.cv:
            while True:
                for i in range(start, len(self.lines)):
                    if pred(self.lines[i]):
                        return i
                left = deadline - time.time()
                if left <= 0:
                    raise SystemExit("%s: timeout; last lines:\n%s" % (self.name, "\n".join(self.lines[-20:])))
                self.cv.wait(left)

    def since(self, m, end=None):
        with self.cv:
            return list(self.lines[m:end])

    def stop(self):
        try:
            self.proc.stdin.write("x\n")
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # dhtnode 2.4.12 may hang on exit (lost wakeup); this is our own child
            self.proc.wait(5)


def value_hash(i):
    return str(dht.InfoHash.get("pht-value-%d" % i))


PEOPLE = ["alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy",
          "mallo", "niaj", "olivi", "peggy", "rupe", "sybil", "trent", "victo", "walt", "zoe"]
GEO = ["lat:12,lon:345", "lat:12,lon:346", "lat:7,lon:1", "lat:99,lon:999"]


def main():
    out_path = sys.argv[1]
    pa, pb, pc = free_udp_port(), free_udp_port(), free_udp_port()
    a = Console("A", pa)
    b = Console("B", pb, bootstrap=pa)
    c = dht.DhtRunner()
    c.run(port=pc, ipv4="127.0.0.1")
    c.bootstrap("127.0.0.1", str(pa))
    time.sleep(3)
    record = {"opendht": "2.4.12", "commands": [], "storage": {}, "values": {}}
    try:
        def command(line, done_pred, timeout=30):
            m = a.send(line)
            end = a.wait_for(done_pred, m, timeout)
            time.sleep(0.3)
            record["commands"].append({"command": line, "output": a.since(m)})

        n = 0
        for name in PEOPLE:
            command("ii people name:%s %s" % (name, value_hash(n)), lambda l: l.startswith("Pht::insert:"))
            n += 1
        for key in GEO:
            command("ii geo %s %s" % (key, value_hash(n)), lambda l: l.startswith("Pht::insert:"))
            n += 1
        time.sleep(5)  # canary recursion and the split-following re-inserts
        for name in PEOPLE + ["al", "zz"]:
            command("il people name:%s" % name, lambda l: l.startswith("Pht::lookup: done") or l.startswith("Pht::lookup: failed"))
        for name in ["al", "bo", "zz"]:
            command("il people name:%s false" % name, lambda l: l.startswith("Pht::lookup: done") or l.startswith("Pht::lookup: failed"))
        for key in GEO + ["lat:12,lon:34"]:
            command("il geo %s" % key, lambda l: l.startswith("Pht::lookup: done") or l.startswith("Pht::lookup: failed"))
        # console errors: a key that does not fit the spec, a value that is not an InfoHash
        command("ii people name:toolongname %s" % value_hash(0), lambda l: "key spec" in l)
        command("ii people name:amy nothex", lambda l: "invalid InfoHash" in l)
        keys = set()
        for node in (a, b):
            m = node.send("ld")
            end = node.wait_for(lambda l: l.startswith("Total ") and "storages" in l, m, 10)
            lines = node.since(m, end + 1)
            record["storage"][node.name] = [l for l in lines if l.startswith("Storage ")]
            for l in lines:
                if l.startswith("Storage "):
                    keys.add(l.split()[1])
        for k in sorted(keys):
            vals = c.get(dht.InfoHash(k.encode()))
            record["values"][k] = [{"id": "%x" % v.id, "user_type": v.user_type, "data": bytes(v.data).hex()}
                                   for v in vals]
    finally:
        c.join()
        a.stop()
        b.stop()
    with open(out_path, "w") as f:
        f.write("# dhtnode %s prefix-hash-tree capture, written by capture_pht.py\n" % record["opendht"])
        for c in record["commands"]:
            f.write("COMMAND %s\n" % c["command"])
            for line in c["output"]:
                f.write("OUT %s\n" % line)
        for node, lines in sorted(record["storage"].items()):
            for line in lines:
                f.write("STORAGE %s %s\n" % (node, line))
        for key, vals in sorted(record["values"].items()):
            for v in vals:
                f.write("VALUE %s %s %s %s\n" % (key, v["id"], v["user_type"] or "-", v["data"] or "-"))

if __name__ == "__main__":
    main()
