"""Reference for `bench/run crypto`: RSA-4096 sign, verify, encrypt and decrypt as OpenDHT 2.4.12
does them, on the inputs CryptoExperiment exported into DIR.

* encrypt / decrypt: python3-opendht's own PublicKey.encrypt / PrivateKey.decrypt (OpenDHT's C++
  code: GnuTLS RSA PKCS#1 v1.5 for up to 501 bytes, otherwise an RSA-wrapped AES-256 key and
  nettle AES-GCM), with a key made by opendht.PrivateKey.generate() (4096 bits).
* sign / verify: the bindings do not expose PrivateKey::sign or PublicKey::checkSignature, so the
  script makes the very GnuTLS calls those functions make, through ctypes, with Carillon's key
  (DIR/key.pk8): gnutls_privkey_sign_data(SHA-512) for sign; for verify, importing the owner's
  DER public key (what unpacking a value's owner does) then gnutls_pubkey_verify_data2(RSA_SHA512).

Timing: rounds of a fixed length like JMH's iterations; each round times a loop of calls with
time.perf_counter_ns. The driver's own cost is measured and subtracted: a loop calling a no-op
Python function, plus for the ctypes paths the same number of trivial ctypes calls.

Prints one JSON object per line: first {"info": ...}, then one per (operation, payload).
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import statistics
import sys
import time

import opendht

SHA512 = 8  # GNUTLS_DIG_SHA512
RSA_SHA512 = 8  # GNUTLS_SIGN_RSA_SHA512
DER = 0  # GNUTLS_X509_FMT_DER
PRIVKEY_IMPORT_COPY = 2  # GNUTLS_PRIVKEY_IMPORT_COPY, as OpenDHT's PrivateKey(gnutls_x509_privkey_t)

gnutls = ctypes.CDLL("libgnutls.so.30")
libc = ctypes.CDLL(ctypes.util.find_library("c"))


class Datum(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_uint)]


def declare():
    p = ctypes.c_void_p
    d = ctypes.POINTER(Datum)
    for name in ("gnutls_x509_privkey_init", "gnutls_privkey_init", "gnutls_pubkey_init"):
        getattr(gnutls, name).argtypes = [ctypes.POINTER(p)]
    gnutls.gnutls_x509_privkey_import2.argtypes = [p, d, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    gnutls.gnutls_privkey_import_x509.argtypes = [p, p, ctypes.c_uint]
    gnutls.gnutls_privkey_sign_data.argtypes = [p, ctypes.c_int, ctypes.c_uint, d, d]
    gnutls.gnutls_pubkey_import.argtypes = [p, d, ctypes.c_int]
    gnutls.gnutls_pubkey_verify_data2.argtypes = [p, ctypes.c_int, ctypes.c_uint, d, d]
    gnutls.gnutls_pubkey_deinit.argtypes = [p]
    gnutls.gnutls_check_version.restype = ctypes.c_char_p
    gnutls.gnutls_check_version.argtypes = [ctypes.c_char_p]
    libc.free.argtypes = [p]
    libc.labs.argtypes = [ctypes.c_long]
    libc.labs.restype = ctypes.c_long


class Blob:
    """Bytes pinned in a ctypes buffer, as a gnutls_datum_t."""

    def __init__(self, data):
        self.buffer = ctypes.create_string_buffer(data, len(data))
        self.datum = Datum(ctypes.cast(self.buffer, ctypes.c_void_p), len(data))
        self.ref = ctypes.byref(self.datum)


def check(rc, what):
    if rc < 0:
        raise RuntimeError("%s failed: GnuTLS error %d" % (what, rc))
    return rc


def load_private_key(pk8):
    x509 = ctypes.c_void_p()
    check(gnutls.gnutls_x509_privkey_init(ctypes.byref(x509)), "x509_privkey_init")
    blob = Blob(pk8)
    check(gnutls.gnutls_x509_privkey_import2(x509, blob.ref, DER, None, 0), "x509_privkey_import2")
    key = ctypes.c_void_p()
    check(gnutls.gnutls_privkey_init(ctypes.byref(key)), "privkey_init")
    check(gnutls.gnutls_privkey_import_x509(key, x509, PRIVKEY_IMPORT_COPY), "privkey_import_x509")
    return key


def sign(key, message):
    """OpenDHT's PrivateKey::sign: one gnutls call, the signature copied into a Blob, freed."""
    signature = Datum()
    check(gnutls.gnutls_privkey_sign_data(key, SHA512, 0, message.ref, ctypes.byref(signature)), "sign")
    out = ctypes.string_at(signature.data, signature.size)
    libc.free(signature.data)
    return out


def verify(owner, message, signature):
    """Unpacking a value's owner key (PublicKey from DER) then PublicKey::checkSignature."""
    key = ctypes.c_void_p()
    gnutls.gnutls_pubkey_init(ctypes.byref(key))
    check(gnutls.gnutls_pubkey_import(key, owner.ref, DER), "pubkey_import")
    ok = gnutls.gnutls_pubkey_verify_data2(key, RSA_SHA512, 0, message.ref, signature.ref) >= 0
    gnutls.gnutls_pubkey_deinit(key)
    return ok


# ctypes calls each path makes, for the overhead subtraction
SIGN_CTYPES_CALLS = 3
VERIFY_CTYPES_CALLS = 4


def per_call_ns(fn, round_ns, batch):
    calls = 0
    start = time.perf_counter_ns()
    while True:
        for _ in range(batch):
            fn()
        calls += batch
        elapsed = time.perf_counter_ns() - start
        if elapsed >= round_ns:
            return elapsed / calls


def batch_size(fn):
    n = 1
    while n < 1_000_000:
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        if time.perf_counter_ns() - start >= 1_000_000:
            return n
        n *= 2
    return n


def measure(fn, overhead, warmup, iterations, round_ns):
    """Per-op ns of fn() minus overhead() (the driver's cost), per measurement round."""
    batch = batch_size(fn)
    overhead_batch = batch_size(overhead)
    for _ in range(warmup):
        per_call_ns(fn, round_ns, batch)
    samples = []
    overheads = []
    for _ in range(iterations):
        op = per_call_ns(fn, round_ns, batch)
        driver = per_call_ns(overhead, max(round_ns // 4, 1), overhead_batch)
        samples.append(op - driver)
        overheads.append(driver)
    return samples, overheads


def noop():
    return None


def trivial_ctypes_calls(n):
    def overhead():
        for _ in range(n):
            libc.labs(0)

    return overhead


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--payloads", required=True, help="comma-separated sizes")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--iteration-ms", type=int, default=1000)
    a = parser.parse_args()
    round_ns = a.iteration_ms * 1_000_000
    payloads = [int(p) for p in a.payloads.split(",")]
    declare()

    def read(name):
        with open(os.path.join(a.dir, name), "rb") as f:
            return f.read()

    key = load_private_key(read("key.pk8"))
    owner = Blob(read("owner.spki"))
    started = time.perf_counter()
    opendht_key = opendht.PrivateKey.generate()
    opendht_public = opendht_key.getPublicKey()
    print(json.dumps({"info": {
        "python": sys.version.split()[0],
        "gnutls": gnutls.gnutls_check_version(None).decode(),
        "opendht_keygen_s": time.perf_counter() - started,
        "opendht_module": opendht.__file__,
    }}), flush=True)

    for payload in payloads:
        message = Blob(read("tosign-%d.bin" % payload))
        carillon_signature = read("signature-%d.bin" % payload)
        signature = Blob(carillon_signature)
        plaintext = read("plaintext-%d.bin" % payload)
        cypher = opendht_public.encrypt(plaintext)
        checks = {
            # PKCS#1 v1.5 signatures are deterministic: same key, same bytes, same signature
            "sign": sign(key, message) == carillon_signature,
            "verify": verify(owner, message, signature),
            "encrypt": len(cypher) == (512 if payload <= 501 else 512 + 12 + payload + 16),
            "decrypt": opendht_key.decrypt(cypher) == plaintext,
        }
        cases = (
            ("sign", lambda: sign(key, message), trivial_ctypes_calls(SIGN_CTYPES_CALLS),
             "gnutls_privkey_sign_data SHA-512 via ctypes", message.datum.size),
            ("verify", lambda: verify(owner, message, signature), trivial_ctypes_calls(VERIFY_CTYPES_CALLS),
             "gnutls_pubkey_import + gnutls_pubkey_verify_data2 via ctypes", message.datum.size),
            ("encrypt", lambda: opendht_public.encrypt(plaintext), noop,
             "opendht.PublicKey.encrypt", len(plaintext)),
            ("decrypt", lambda: opendht_key.decrypt(cypher), noop,
             "opendht.PrivateKey.decrypt", len(cypher)),
        )
        for operation, fn, overhead, path, size in cases:
            samples, overheads = measure(fn, overhead, a.warmup, a.iterations, round_ns)
            print(json.dumps({
                "operation": operation,
                "payload": payload,
                "input_bytes": size,
                "ns_per_op": statistics.mean(samples),
                "ns_per_op_stdev": statistics.stdev(samples) if len(samples) > 1 else None,
                "driver_ns_per_op": statistics.mean(overheads),
                "path": path,
                "check": checks[operation],
            }), flush=True)


if __name__ == "__main__":
    main()
