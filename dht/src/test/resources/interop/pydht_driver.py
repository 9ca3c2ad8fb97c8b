#!/usr/bin/python3
"""Line-oriented driver for a python3-opendht (2.4.12) node, used by Carillon's interop tests.

Run with /usr/bin/python3 (the Debian module lives in /usr/lib/python3/dist-packages).
The node binds 127.0.0.1 only and bootstraps to loopback addresses only.

    pydht_driver.py --port P [--bootstrap 127.0.0.1:Q ...] [--network N] [--no-rate-limit] [--log FILE]
                    [--identity-bits B]

--identity-bits B gives the node an identity (DhtConfig.setIdentity): a fresh RSA-B key with a
self-signed certificate, generated here because the 2.4.12 bindings cannot load a private key
from a file. The node then behaves like OpenDHT's SecureDht with a key: it announces its
certificate at its public-key id once connected, decrypts values addressed to it, and drops
encrypted values it cannot read and signed values whose signature fails.

Commands on stdin, one per line (REQ is a caller-chosen token without spaces; keys are 40 hex
digits; DATA is hex, "-" for empty; UTYPE is the user type without spaces, "-" for none):

    put REQ KEY TYPE DATA [UTYPE]   -> PUT REQ OK|FAIL VID
    get REQ KEY [WHERE ...]         -> VALUE REQ VID DATA UTYPE SEC (per value), then GET REQ OK|FAIL COUNT
                                       (the rest of the line is an OpenDHT Where, e.g.
                                       "WHERE id=12,user_type=text/plain"; ids in decimal)
    listen REQ KEY                  -> LISTENING REQ, later EVENT REQ NEW|EXPIRED VID DATA UTYPE SEC
    cancel REQ                      -> CANCELLED REQ   (REQ of an earlier listen)
    nodes REQ                       -> NODE REQ ID ADDR good|expired|- (per routing-table entry),
                                       then NODES REQ COUNT            (IPv4 table)
    info REQ                        -> INFO REQ NODEID BOUND
    identity REQ                    -> IDENTITY REQ PKID CERT  (CERT: hex of the PEM certificate),
                                       or IDENTITY REQ - -   without --identity-bits
    quit                            -> BYE, then the process exits

Startup prints "READY NODEID BOUND"; a malformed command prints "ERROR REQ message".
Every output line is flushed at once. VID is the value id in lower-case hex without padding.
SEC is "-" for an unsigned value, "signed:SEQ:OWNER" for a signed one whose signature OpenDHT
verified (OWNER = the signer's public-key id), "signed:SEQ:OWNER:RECIPIENT" when it was also
addressed (a value decrypted for us). The bindings expose no isSigned/seq, so they are read
from the value's description (OpenDHT's operator<<: "signed (vSEQ) [decrypted ]").
"""
import argparse
import re
import sys
import threading

import opendht as dht

LOOPBACK = ("127.0.0.1", "::1")
AF_INET = 2

_out_lock = threading.Lock()


def emit(*parts):
    line = " ".join(str(p) for p in parts)
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def hexdata(b):
    return b.hex() if b else "-"


def utype(v):
    t = v.user_type
    return t if t else "-"


SIGNED = re.compile(r"^Value\[id:[0-9a-f]+ signed \(v(\d+)\) ")


def security(v):
    # v.owner dereferences the owner key without a null check: only read it for signed values
    m = SIGNED.match(str(v))
    if not m:
        return "-"
    sec = "signed:%s:%s" % (m.group(1), v.owner.toString().decode())
    recipient = v.recipient
    if recipient:
        sec += ":" + recipient.toString().decode()
    return sec


def parse_bootstrap(s):
    m = re.fullmatch(r"\[([0-9a-fA-F:.]+)\]:(\d+)|([0-9.]+):(\d+)", s)
    if not m:
        raise SystemExit("bad --bootstrap %r: expected 127.0.0.1:PORT or [::1]:PORT" % s)
    host = m.group(1) or m.group(3)
    port = m.group(2) or m.group(4)
    if host not in LOOPBACK:
        raise SystemExit("refusing non-loopback bootstrap %r" % s)
    return host, port


def key_of(s):
    if not re.fullmatch(r"[0-9a-fA-F]{40}", s):
        raise ValueError("key must be 40 hex digits: %r" % s)
    return dht.InfoHash(s.lower().encode())


class Driver:
    def __init__(self, node, identity):
        self.node = node
        self.identity = identity
        self.listens = {}

    def put(self, req, key, vtype, data, user_type=None):
        v = dht.Value(b"" if data == "-" else bytes.fromhex(data), int(vtype))
        if user_type and user_type != "-":
            v.user_type = user_type

        def done(ok, _nodes):
            emit("PUT", req, "OK" if ok else "FAIL", "%x" % v.id)

        self.node.put(key_of(key), v, done_cb=done)

    def get(self, req, key, *where):
        count = [0]
        clause = " ".join(where)
        if clause and not clause.startswith(("WHERE ", "where ")):
            raise ValueError("expected WHERE ..., got %r" % clause)

        def on_value(v):
            count[0] += 1
            emit("VALUE", req, "%x" % v.id, hexdata(v.data), utype(v), security(v))
            return True

        def done(ok, _nodes):
            emit("GET", req, "OK" if ok else "FAIL", count[0])

        self.node.get(key_of(key), get_cb=on_value, done_cb=done, where=dht.Where(clause) if clause else None)

    def listen(self, req, key):
        def on_value(v, expired):
            emit("EVENT", req, "EXPIRED" if expired else "NEW", "%x" % v.id, hexdata(v.data), utype(v), security(v))
            return True

        self.listens[req] = self.node.listen(key_of(key), on_value)
        emit("LISTENING", req)

    def cancel(self, req):
        token = self.listens.pop(req, None)
        if token is None:
            raise ValueError("no listen %r" % req)
        self.node.cancelListen(token)
        emit("CANCELLED", req)

    def nodes(self, req):
        count = 0
        for line in self.node.getRoutingTablesLog(AF_INET).splitlines():
            m = re.match(r"\s+Node ([0-9a-f]{40}) (\S+) .*?(\[good\]|\[expired\])?$", line)
            if m:
                count += 1
                emit("NODE", req, m.group(1), m.group(2), (m.group(3) or "[-]")[1:-1])
        emit("NODES", req, count)

    def info(self, req):
        emit("INFO", req, self.node.getNodeId().decode(), self.node.getBound())

    def identity_of(self, req):
        if self.identity is None:
            emit("IDENTITY", req, "-", "-")
        else:
            pkid = self.identity.publickey.getId().toString().decode()
            emit("IDENTITY", req, pkid, bytes(self.identity.certificate).hex())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bootstrap", action="append", default=[])
    ap.add_argument("--network", type=int, default=0)
    ap.add_argument("--no-rate-limit", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--identity-bits", type=int, default=0)
    args = ap.parse_args()
    boots = [parse_bootstrap(b) for b in args.bootstrap]

    config = dht.DhtConfig()
    config.setNetwork(args.network)
    if args.no_rate_limit:
        config.setRateLimit(-1, -1)
    identity = None
    if args.identity_bits:
        identity = dht.Identity.generate("pydht", dht.Identity(), args.identity_bits)
        config.setIdentity(identity)
    node = dht.DhtRunner()
    node.run(port=args.port, ipv4="127.0.0.1", config=config)  # IPv4 loopback only
    if args.log:
        node.enableFileLogging(args.log)  # only after run(): run() resets the logger
    for host, port in boots:
        node.bootstrap(host, port)
    emit("READY", node.getNodeId().decode(), node.getBound())

    driver = Driver(node, identity)
    commands = {
        "put": driver.put,
        "get": driver.get,
        "listen": driver.listen,
        "cancel": driver.cancel,
        "nodes": driver.nodes,
        "info": driver.info,
        "identity": driver.identity_of,
    }
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        req = words[1] if len(words) > 1 else "-"
        fn = commands.get(words[0])
        try:
            if fn is None:
                raise ValueError("unknown command %r" % words[0])
            fn(*words[1:])
        except Exception as e:  # report and keep going
            emit("ERROR", req, ("%s: %s" % (type(e).__name__, e)).replace("\n", " "))

    stopped = threading.Event()
    node.shutdown(stopped.set)
    stopped.wait(5)
    emit("BYE")
    # join() may wait for pending operations; the caller kills us if we hang.
    node.join()


if __name__ == "__main__":
    main()
