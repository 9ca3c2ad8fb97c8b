#!/usr/bin/python3
"""The reference side of `bench/run messages`: two real jamid 13.7 (Debian jami-daemon) on a
loopback-only network exchanging legacy DHT text messages, measured as Carillon's side is.

Run by MessagesExperiment inside a network namespace of its own that holds only lo
(unshare -n, as root); refuses to run anywhere else. Starts a dhtnode bootstrap, two D-Bus
session buses and two jamid, each by PID, and stops them by PID on exit.

Phases (the same definitions as Carillon's):
  latency    N messages A -> B, one at a time: send -> B's incomingAccountMessage ("received")
             and send -> A's accountMessageStatusChanged SENT, which jamid reports when B's
             acknowledgement arrives ("delivered").
  (SETTLE seconds pass before the burst and before the offline phase, as on Carillon's side)
  throughput M messages sent back to back; time from the first send until all were received
             and until all were acknowledged.
  offline    B's account made inactive (setAccountActive false: it leaves the DHT), K messages
             sent spread over OFFLINE seconds, B active again; time from then until all K were received
             and acknowledged.

Output on stdout, one JSON object per line:
  {"progress": PHASE, "done": I, "total": N}
  {"sample": "latency", "index": I, "received_ms": X|null, "delivered_ms": Y|null}
  {"note": TEXT}
  {"result": {...}}   last line
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

import dbus
import dbus.bus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

SERVICE = "cx.ring.Ring"
CFG_PATH = "/cx/ring/Ring/ConfigurationManager"
CFG_IFACE = "cx.ring.Ring.ConfigurationManager"
CALL_TIMEOUT = 60
SENT = 2  # libjami::Account::MessageStates::SENT
FAILURE = 4
VCARD = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:bench\r\nEND:VCARD\r\n"

CHILDREN = []
CONTEXT = GLib.MainContext.default()


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def note(text):
    emit({"note": text})


def stop_children(*_):
    for p in reversed(CHILDREN):
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 5
    for p in reversed(CHILDREN):
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def on_signal(signum, _frame):
    stop_children()
    sys.exit(128 + signum)


def require_private_network():
    names = sorted(name for _, name in socket.if_nameindex())
    if names != ["lo"]:
        raise SystemExit("refusing to start jamid: this network namespace has %s, not lo only" % names)
    # jamid 13.7's pjlib blocks forever on IPv6 netlink dumps with kernels >= 6.9 (jami-interop.md)
    for k in ("all", "default", "lo"):
        with open("/proc/sys/net/ipv6/conf/%s/disable_ipv6" % k, "w") as f:
            f.write("1")


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(cmd, **kw):
    p = subprocess.Popen(cmd, **kw)
    CHILDREN.append(p)
    return p


def pump_until(pred, timeout):
    """Dispatches D-Bus signals until pred() is true or timeout seconds passed; returns pred()."""
    deadline = time.monotonic() + timeout
    wake = GLib.timeout_add(20, lambda: True)  # so an iteration never blocks longer than 20 ms
    try:
        while not pred():
            if time.monotonic() > deadline:
                return pred()
            CONTEXT.iteration(True)
        return True
    finally:
        GLib.source_remove(wake)


def account_details(alias, bootstrap):
    """A Jami account that talks to nobody but the local bootstrap node."""
    return {
        "Account.type": "RING",
        "Account.alias": alias,
        "Account.displayName": alias,
        "Account.deviceName": alias + "-bench",
        "Account.archivePassword": "",
        "Account.hostname": bootstrap,
        "Account.bootstrapListUrl": "",
        "Account.proxyEnabled": "false",
        "Account.proxyServer": "",
        "Account.dhtProxyListUrl": "",
        "Account.upnpEnabled": "false",
        "Account.peerDiscovery": "false",
        "Account.accountDiscovery": "false",
        "Account.accountPublish": "false",
        "TURN.enable": "false",
        "STUN.enable": "false",
        "RingNS.uri": "http://127.0.0.1:1",
        "Account.videoEnabled": "false",
    }


class Daemon:
    """One jamid on a session bus of its own; records the signals the bench needs, with times."""

    def __init__(self, name, work, jamid):
        self.name = name
        d = os.path.join(work, name)
        for sub in ("config", "data", "cache", "runtime"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        os.chmod(os.path.join(d, "runtime"), 0o700)
        bus = start(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                     "--address=unix:path=" + os.path.join(d, "bus"), "--print-address=1"],
                    stdout=subprocess.PIPE)
        address = bus.stdout.readline().decode().strip()
        if not address:
            raise SystemExit("dbus-daemon for %s printed no address" % name)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": d,
               "XDG_CONFIG_HOME": os.path.join(d, "config"), "XDG_DATA_HOME": os.path.join(d, "data"),
               "XDG_CACHE_HOME": os.path.join(d, "cache"), "XDG_RUNTIME_DIR": os.path.join(d, "runtime"),
               "DBUS_SESSION_BUS_ADDRESS": address, "NO_COLOR": "1"}
        self.log = open(os.path.join(d, "jamid.log"), "wb")
        self.jamid = start([jamid, "-c", "-d", "-p"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.bus = dbus.bus.BusConnection(address, mainloop=DBusGMainLoop())
        if not pump_until(lambda: self.bus.name_has_owner(SERVICE), 30):
            raise SystemExit("jamid %s never took %s on its bus" % (name, SERVICE))
        self.cfg = dbus.Interface(self.bus.get_object(SERVICE, CFG_PATH, introspect=False), CFG_IFACE)
        self.registration = {}
        self.requests = []
        self.confirmed = set()
        self.received = {}  # message id (16 hex) -> monotonic time of the first incomingAccountMessage
        self.status = {}  # token (decimal) -> {state: monotonic time}
        self.bus.add_signal_receiver(self._registration, signal_name="registrationStateChanged",
                                     dbus_interface=CFG_IFACE)
        self.bus.add_signal_receiver(self._request, signal_name="incomingTrustRequest",
                                     dbus_interface=CFG_IFACE)
        self.bus.add_signal_receiver(self._contact, signal_name="contactAdded", dbus_interface=CFG_IFACE)
        self.bus.add_signal_receiver(self._message, signal_name="incomingAccountMessage",
                                     dbus_interface=CFG_IFACE)
        self.bus.add_signal_receiver(self._status, signal_name="accountMessageStatusChanged",
                                     dbus_interface=CFG_IFACE)
        self.account = None
        self.uri = None

    def _registration(self, account, state, *_):
        self.registration[str(account)] = str(state)

    def _request(self, account, *args):
        # 13.7: (account, conversation id, from, payload, received)
        self.requests.extend(str(a) for a in args[:2])

    def _contact(self, account, uri, confirmed):
        if bool(confirmed):
            self.confirmed.add(str(uri))

    def _message(self, account, sender, message_id, payloads):
        self.received.setdefault(str(message_id), time.monotonic())

    def _status(self, account, conversation, peer, token, state):
        self.status.setdefault(str(token), {}).setdefault(int(state), time.monotonic())

    def add_account(self, bootstrap):
        self.account = str(self.cfg.addAccount(account_details(self.name, bootstrap), timeout=CALL_TIMEOUT))
        if not self.await_registration("REGISTERED", 120):
            raise SystemExit("jamid %s: account not registered (%s)" % (self.name, self.registration))
        details = self.cfg.getAccountDetails(self.account, timeout=CALL_TIMEOUT)
        self.uri = str(details["Account.username"]).replace("ring:", "")

    def await_registration(self, state, timeout):
        return pump_until(lambda: self.registration.get(self.account) == state, timeout)

    def send(self, to, text):
        """Returns (token, monotonic time just before the call)."""
        t = time.monotonic()
        token = int(self.cfg.sendTextMessage(self.account, to, {"text/plain": text}, timeout=CALL_TIMEOUT))
        if token == 0:
            raise SystemExit("jamid %s refused to send a message to %s" % (self.name, to))
        return token, t

    def delivered_at(self, token):
        return self.status.get(str(token), {}).get(SENT)

    def received_at(self, token):
        return self.received.get("%016x" % token)

    def set_active(self, active):
        self.cfg.setAccountActive(self.account, active, timeout=CALL_TIMEOUT)


def ms(later, earlier):
    return None if later is None else round((later - earlier) * 1000.0, 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--jamid", default="/usr/libexec/jamid")
    ap.add_argument("--messages", type=int, required=True)
    ap.add_argument("--burst", type=int, required=True)
    ap.add_argument("--offline-messages", type=int, required=True)
    ap.add_argument("--offline-seconds", type=float, required=True)
    ap.add_argument("--settle", type=float, required=True,
                    help="seconds waited before the burst and before the offline phase")
    ap.add_argument("--timeout", type=float, required=True, help="seconds to wait for one message")
    ap.add_argument("--phase-timeout", type=float, required=True, help="seconds to wait for a burst")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    require_private_network()
    try:
        run(args)
    finally:
        stop_children()


def run(args):
    port = free_udp_port()
    start(["dhtnode", "-s", "-p", str(port), "-l", os.path.join(args.work, "dhtnode.log")],
          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bootstrap = "127.0.0.1:%d" % port
    a = Daemon("A", args.work, args.jamid)
    b = Daemon("B", args.work, args.jamid)
    emit({"progress": "setup", "done": 1, "total": 4})
    a.add_account(bootstrap)
    b.add_account(bootstrap)
    emit({"progress": "setup", "done": 2, "total": 4})
    a.cfg.sendTrustRequest(a.account, b.uri, dbus.ByteArray(VCARD), timeout=CALL_TIMEOUT)
    if not pump_until(lambda: a.uri in b.requests, 120):
        raise SystemExit("B never got A's trust request")
    b.cfg.acceptTrustRequest(b.account, a.uri, timeout=CALL_TIMEOUT)
    if not pump_until(lambda: b.uri in a.confirmed, 120):
        raise SystemExit("A never heard B's confirmation")
    emit({"progress": "setup", "done": 3, "total": 4})
    # one message, not measured: first contact costs device lookups on both sides
    token, _ = a.send(b.uri, "warm-up")
    pump_until(lambda: a.delivered_at(token) is not None, args.timeout)
    emit({"progress": "setup", "done": 4, "total": 4})

    result = {"version": "jamid 13.7 (jami-daemon)", "latency_failures": 0}

    # ---- latency: one message at a time
    for i in range(args.messages):
        token, t = a.send(b.uri, "latency %d" % i)
        pump_until(lambda: a.delivered_at(token) is not None and b.received_at(token) is not None, args.timeout)
        r, d = ms(b.received_at(token), t), ms(a.delivered_at(token), t)
        if r is None or d is None:
            result["latency_failures"] += 1
        emit({"sample": "latency", "index": i, "received_ms": r, "delivered_ms": d})
        emit({"progress": "latency", "done": i + 1, "total": args.messages})

    # ---- throughput: a burst, sent back to back, once what the latency phase put has expired
    pump_until(lambda: False, args.settle)
    sent = []
    for i in range(args.burst):
        sent.append(a.send(b.uri, "burst %d" % i))
    send_done = time.monotonic()
    first = sent[0][1]
    tokens = [tok for tok, _ in sent]
    pump_until(lambda: all(b.received_at(t) is not None for t in tokens)
               and all(a.delivered_at(t) is not None for t in tokens), args.phase_timeout)
    got = [b.received_at(t) for t in tokens if b.received_at(t) is not None]
    acked = [a.delivered_at(t) for t in tokens if a.delivered_at(t) is not None]
    result["burst"] = {
        "count": args.burst,
        "send_seconds": send_done - first,
        "received": len(got),
        "delivered": len(acked),
        "received_seconds": (max(got) - first) if len(got) == args.burst else None,
        "delivered_seconds": (max(acked) - first) if len(acked) == args.burst else None,
    }
    emit({"progress": "throughput", "done": 1, "total": 1})

    # ---- offline: B leaves the DHT, A sends, B comes back
    pump_until(lambda: False, args.settle)
    b.set_active(False)
    if not b.await_registration("UNREGISTERED", 60):
        note("B's account did not report UNREGISTERED within 60 s (state %s)" % b.registration.get(b.account))
    tokens = []
    for i in range(args.offline_messages):  # spread over the offline period, as Carillon's
        tokens.append(a.send(b.uri, "offline %d" % i)[0])
        pump_until(lambda: False, args.offline_seconds / args.offline_messages)
    back = time.monotonic()
    b.set_active(True)
    pump_until(lambda: all(b.received_at(t) is not None for t in tokens)
               and all(a.delivered_at(t) is not None for t in tokens), args.phase_timeout)
    got = [b.received_at(t) for t in tokens if b.received_at(t) is not None]
    acked = [a.delivered_at(t) for t in tokens if a.delivered_at(t) is not None]
    failed = sum(1 for t in tokens if a.status.get(str(t), {}).get(FAILURE) is not None)
    result["offline"] = {
        "count": args.offline_messages,
        "offline_seconds": args.offline_seconds,
        "received": len(got),
        "delivered": len(acked),
        "failed": failed,
        "waited_seconds": args.phase_timeout,
        "received_seconds": (max(got) - back) if len(got) == len(tokens) else None,
        "delivered_seconds": (max(acked) - back) if len(acked) == len(tokens) else None,
        "registered_again": b.registration.get(b.account) == "REGISTERED",
    }
    emit({"progress": "offline", "done": 1, "total": 1})
    emit({"result": result})


if __name__ == "__main__":
    main()
