#!/usr/bin/python3
"""Carillon's driver for one headless jamid (Debian jami-daemon 20230206, daemon 13.7) on its
own D-Bus session bus, for the core module's *JamiIT tests (JamiDaemon.java starts it).

Protocol: one JSON object per line.
  stdin : {"id": N, "cmd": NAME, ...arguments}
  stdout: {"id": N, "ok": true, "result": ...} | {"id": N, "ok": false, "error": TEXT}
          {"event": SIGNAL, "args": [...]}   (D-Bus signals, byte arrays as base64 strings)
          {"event": "ready"}                 (once jamid owns cx.ring.Ring on the bus)
Every D-Bus call carries a timeout; the driver exits when stdin closes.
"""
import base64
import json
import os
import sys
import time

import dbus
import dbus.bus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

SERVICE = "cx.ring.Ring"
CONFIGURATION = ("/cx/ring/Ring/ConfigurationManager", "cx.ring.Ring.ConfigurationManager")
PRESENCE = ("/cx/ring/Ring/PresenceManager", "cx.ring.Ring.PresenceManager")
CALL_TIMEOUT = 60
CONFIGURATION_SIGNALS = ("incomingTrustRequest", "contactAdded", "contactRemoved",
                         "registrationStateChanged", "knownDevicesChanged", "accountsChanged",
                         # 13.7 emits (account, from, message id (hex), payloads): the XML's
                         # argument names have message id and from the wrong way round
                         "incomingAccountMessage",
                         # (account, conversation ("" for non-swarm), peer, token (decimal), state)
                         "accountMessageStatusChanged",
                         # (account, conversation ("" for non-swarm), peer, 1 active / 0 idle)
                         "composingStatusChanged")
PRESENCE_SIGNALS = ("newBuddyNotification",)


def plain(value):
    """D-Bus values as JSON-friendly ones; byte arrays become base64 text."""
    if isinstance(value, dbus.Array) and value.signature == "y":
        return base64.b64encode(bytes(bytearray(value))).decode()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dbus.Dictionary) or isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (dbus.Array, list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32,
                          dbus.UInt64, dbus.Byte)):
        return int(value)
    if isinstance(value, (dbus.String, dbus.ObjectPath)):
        return str(value)
    return value


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def dht_only_details(alias, bootstrap):
    """A Jami account that talks to nobody but the test's bootstrap node."""
    return {
        "Account.type": "RING",
        "Account.alias": alias,
        "Account.displayName": alias,
        "Account.deviceName": alias + "-jamid",
        "Account.archivePassword": "",
        "Account.hostname": bootstrap,        # bootstrap nodes, ';'-separated
        "Account.bootstrapListUrl": "",       # no download of a bootstrap list
        "Account.proxyEnabled": "false",
        "Account.proxyServer": "",
        "Account.dhtProxyListUrl": "",
        "Account.upnpEnabled": "false",
        "Account.peerDiscovery": "false",
        "Account.accountDiscovery": "false",
        "Account.accountPublish": "false",
        "TURN.enable": "false",
        "STUN.enable": "false",
        "RingNS.uri": "http://127.0.0.1:1",   # name server: a closed loopback port
        "Account.videoEnabled": "false",
    }


class Driver:
    def __init__(self, address):
        self.bus = dbus.bus.BusConnection(address, mainloop=DBusGMainLoop())
        deadline = time.monotonic() + 30
        while not self.bus.name_has_owner(SERVICE):
            if time.monotonic() > deadline:
                raise SystemExit("jamid never took %s on %s" % (SERVICE, address))
            time.sleep(0.1)
        self.cfg = self._interface(*CONFIGURATION)
        self.presence = self._interface(*PRESENCE)
        for name in CONFIGURATION_SIGNALS:
            self.bus.add_signal_receiver(self._forwarder(name), signal_name=name,
                                         dbus_interface=CONFIGURATION[1])
        for name in PRESENCE_SIGNALS:
            self.bus.add_signal_receiver(self._forwarder(name), signal_name=name,
                                         dbus_interface=PRESENCE[1])

    def _interface(self, path, name):
        return dbus.Interface(self.bus.get_object(SERVICE, path, introspect=False), name)

    @staticmethod
    def _forwarder(name):
        def forward(*args):
            emit({"event": name, "args": [plain(a) for a in args]})
        return forward

    # ---- commands: each takes the request object, returns a JSON value ----
    def addAccount(self, r):
        details = dht_only_details(r.get("alias", "jamid"), r["bootstrap"])
        if r.get("archivePath"):
            # jamid 13.7 loads an existing account from Account.archivePath, decrypted with
            # Account.archivePassword (empty: a gzip archive), instead of generating one
            details["Account.archivePath"] = r["archivePath"]
            details["Account.archivePassword"] = r.get("archivePassword", "")
        return str(self.cfg.addAccount(details, timeout=CALL_TIMEOUT))

    def details(self, r):
        return plain(self.cfg.getAccountDetails(r["account"], timeout=CALL_TIMEOUT))

    def volatileDetails(self, r):
        return plain(self.cfg.getVolatileAccountDetails(r["account"], timeout=CALL_TIMEOUT))

    def sendTrustRequest(self, r):
        payload = dbus.ByteArray(base64.b64decode(r.get("payload", "")))
        self.cfg.sendTrustRequest(r["account"], r["to"], payload, timeout=CALL_TIMEOUT)
        return True

    def acceptTrustRequest(self, r):
        return bool(self.cfg.acceptTrustRequest(r["account"], r["from"], timeout=CALL_TIMEOUT))

    def discardTrustRequest(self, r):
        return bool(self.cfg.discardTrustRequest(r["account"], r["from"], timeout=CALL_TIMEOUT))

    def getTrustRequests(self, r):
        requests = plain(self.cfg.getTrustRequests(r["account"], timeout=CALL_TIMEOUT))
        # the payload travels as a D-Bus string of raw bytes: hand it on as base64
        for request in requests:
            if "payload" in request:
                raw = request["payload"].encode("utf-8", "surrogateescape")
                request["payload"] = base64.b64encode(raw).decode()
        return requests

    def getContacts(self, r):
        return plain(self.cfg.getContacts(r["account"], timeout=CALL_TIMEOUT))

    def getKnownRingDevices(self, r):
        return plain(self.cfg.getKnownRingDevices(r["account"], timeout=CALL_TIMEOUT))

    def exportToFile(self, r):
        return bool(self.cfg.exportToFile(r["account"], r["path"], r.get("password", ""),
                                          timeout=CALL_TIMEOUT))

    def changeAccountPassword(self, r):
        return bool(self.cfg.changeAccountPassword(r["account"], r.get("old", ""), r.get("new", ""),
                                                   timeout=CALL_TIMEOUT))

    def subscribeBuddy(self, r):
        self.presence.subscribeBuddy(r["account"], r["uri"], bool(r.get("flag", True)),
                                     timeout=CALL_TIMEOUT)
        return True

    def sendTextMessage(self, r):
        """Non-swarm text message ({mime: body}, one part in 13.7); returns jamid's token, which is
        the id of the ImMessage it puts at each device inbox of the peer (0: not sent)."""
        payloads = dbus.Dictionary({str(k): str(v) for k, v in r["payloads"].items()},
                                   signature="ss")
        return str(int(self.cfg.sendTextMessage(r["account"], r["to"], payloads,
                                                timeout=CALL_TIMEOUT)))

    def setMessageDisplayed(self, r):
        """With conversation "jami:<peer>", 13.7 sends the peer an IMDN 'displayed' message as a
        non-swarm text message (status 3 = DISPLAYED)."""
        return bool(self.cfg.setMessageDisplayed(r["account"], r["conversation"], r["message"],
                                                 int(r.get("status", 3)), timeout=CALL_TIMEOUT))

    def setIsComposing(self, r):
        """With conversation "jami:<peer>", 13.7 sends the peer an isComposing notification
        (active, or idle) as a non-swarm text message."""
        self.cfg.setIsComposing(r["account"], r["conversation"], bool(r["composing"]),
                                timeout=CALL_TIMEOUT)
        return True

    def setAccountActive(self, r):
        """Takes the account off the DHT (False) or back on (True), as a client does when the
        user disables it; registrationStateChanged tells when it is done."""
        self.cfg.setAccountActive(r["account"], bool(r["active"]), timeout=CALL_TIMEOUT)
        return True

    def removeAccount(self, r):
        self.cfg.removeAccount(r["account"], timeout=CALL_TIMEOUT)
        return True


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: jamid_driver.py DBUS_ADDRESS")
    driver = Driver(sys.argv[1])
    loop = GLib.MainLoop()
    pending = bytearray()

    def on_input(fd, condition):
        chunk = os.read(fd, 65536)
        if not chunk:
            loop.quit()
            return False
        pending.extend(chunk)
        while b"\n" in pending:
            line, _, rest = bytes(pending).partition(b"\n")
            pending[:] = rest
            if line.strip():
                handle(line)
        return True

    def handle(line):
        request = {}
        try:
            request = json.loads(line)
            if request.get("cmd") == "quit":
                emit({"id": request.get("id"), "ok": True, "result": True})
                loop.quit()
                return
            command = getattr(Driver, request["cmd"], None)
            if command is None or request["cmd"].startswith("_"):
                raise ValueError("unknown command %r" % request["cmd"])
            emit({"id": request.get("id"), "ok": True, "result": command(driver, request)})
        except Exception as e:  # reported to the test, which fails with it
            emit({"id": request.get("id"), "ok": False, "error": "%s: %s" % (type(e).__name__, e)})

    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP, on_input)
    emit({"event": "ready", "args": []})
    loop.run()


if __name__ == "__main__":
    main()
