#!/usr/bin/env python3
"""Independent verifier of a pgAnalytics audit export (JSON lines), python3 standard library only.

Usage: audit-verify.py FILE [--public-key PEM] [--checkpoints JSON]

Recomputes every record's hash from its fields (the canonical form of docs/audit/integrity.md), checks that each
record chains to the one before and that seqs have no gap. With the audit public key (GET /api/v1/audit/public-keys,
the "pem" field), also verifies the ES256 signature of the archive's FILE.sig when present, and every checkpoint of
--checkpoints (the answer of GET /api/v1/audit/checkpoints) inside the file's range. ECDSA P-256 is implemented
here in pure Python (no library), so nothing is taken on trust from the product.

Exit codes: 0 intact, 1 could not run, 2 wrong usage, 3 not intact.
"""
import base64
import hashlib
import json
import sys

GENESIS = bytes(32)
NULL = b"\xff\xff\xff\xff"

# NIST P-256 (secp256r1)
P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
A = P - 3
N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
G = (0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
     0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5)


def _add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def _mul(k, point):
    result = None
    while k:
        if k & 1:
            result = _add(result, point)
        point = _add(point, point)
        k >>= 1
    return result


def _der_ints(sig):
    """r and s of a DER ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }."""
    if sig[0] != 0x30:
        raise ValueError("not a DER signature")
    i = 2 if sig[1] < 0x80 else 2 + (sig[1] & 0x7f)
    values = []
    for _ in range(2):
        if sig[i] != 0x02:
            raise ValueError("not a DER signature")
        length = sig[i + 1]
        values.append(int.from_bytes(sig[i + 2:i + 2 + length], "big"))
        i += 2 + length
    return values


def public_key_from_pem(text):
    der = base64.b64decode("".join(l for l in text.splitlines() if "-----" not in l))
    point = der[-65:]
    if point[0] != 4:
        raise ValueError("not an uncompressed P-256 public key")
    return int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big")


def es256_verify(key, message, der_signature):
    r, s = _der_ints(der_signature)
    if not (0 < r < N and 0 < s < N):
        return False
    z = int.from_bytes(hashlib.sha256(message).digest(), "big")
    w = pow(s, -1, N)
    point = _add(_mul(z * w % N, G), _mul(r * w % N, key))
    return point is not None and point[0] % N == r


def field(value):
    if value is None:
        return NULL
    return len(value).to_bytes(4, "big") + value


def text(value):
    return field(None if value is None else str(value).encode("utf-8"))


def binary(value):
    return field(None if value is None else base64.b64decode(value))


def canonical(r):
    return b"".join([
        text(r["seq"]), text(r["at_micros"]), text(r["node"]), text(r["category"]), text(r["action"]),
        text(r["outcome"]), text(r["actor_kind"]), text(r.get("actor_id")), text(r.get("actor_roles")),
        text(r.get("resource_type")), text(r.get("resource_id")), text(r.get("status")), text(r.get("error_type")),
        text(r.get("duration_us")), text(r["details"]), binary(r.get("actor_personal")), text(r.get("subject_id")),
        binary(r.get("subject_personal")),
    ])


def record_hash(r):
    return hashlib.sha256(bytes.fromhex(r["prev_hash"]) + canonical(r)).digest()


def checkpoint_statement(seq, head_hex, at_micros):
    return ("pganalytics-audit-checkpoint-v1\n%d\n%s\n%d\n" % (seq, head_hex, at_micros)).encode("ascii")


def archive_statement(first, last, last_hash_hex, file_sha_hex):
    return ("pganalytics-audit-archive-v1\n%d\n%d\n%s\n%s\n" % (first, last, last_hash_hex, file_sha_hex)).encode("ascii")


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__, file=sys.stderr if len(argv) < 2 else sys.stdout)
        return 2 if len(argv) < 2 else 0
    path, options = argv[1], dict(zip(argv[2::2], argv[3::2]))
    unknown = set(options) - {"--public-key", "--checkpoints"}
    if unknown or len(argv[2:]) % 2:
        print("unknown or incomplete options: %s" % " ".join(argv[2:]), file=sys.stderr)
        return 2
    key = public_key_from_pem(open(options["--public-key"]).read()) if "--public-key" in options else None
    checkpoints = {}
    if "--checkpoints" in options:
        checkpoints = {c["seq"]: c for c in json.load(open(options["--checkpoints"]))}
    digest = hashlib.sha256()
    count, first, expected, previous, verified, problem = 0, None, None, None, 0, None
    with open(path, "rb") as f:
        for raw in f:
            digest.update(raw)
            if not raw.strip():
                continue
            r = json.loads(raw)
            count += 1
            seq = r["seq"]
            own = record_hash(r) == bytes.fromhex(r["hash"])
            if expected is None:
                first = seq
                if seq == 1 and bytes.fromhex(r["prev_hash"]) != GENESIS:
                    problem = "inserted at record 1: it does not start from the genesis"
            elif seq != expected:
                problem = ("removed at record %d: the next line is record %d" % (expected, seq)) if seq > expected \
                    else "reordered at record %d: expected record %d" % (seq, expected)
            elif bytes.fromhex(r["prev_hash"]) != previous:
                problem = "%s at record %d: it does not chain to record %d" % ("inserted" if own else "altered", seq, seq - 1)
            if problem is None and not own:
                problem = "altered at record %d: its content does not hash to its hash" % seq
            c = checkpoints.get(seq)
            if problem is None and c is not None and key is not None:
                if not es256_verify(key, checkpoint_statement(seq, c["headHash"], c["signedAtMicros"]), base64.b64decode(c["signature"])):
                    problem = "bad_checkpoint at record %d: the signature does not verify" % seq
                elif c["headHash"] != r["hash"]:
                    problem = "altered at or before record %d: the chain does not match the signed checkpoint" % seq
                else:
                    verified += 1
            if problem:
                break
            previous, expected = bytes.fromhex(r["hash"]), seq + 1
    if problem is None and key is not None:
        try:
            sig = json.load(open(path + ".sig"))
        except FileNotFoundError:
            sig = None
        if sig is not None:
            statement = archive_statement(sig["first_seq"], sig["last_seq"], sig["last_hash"], digest.hexdigest())
            if not es256_verify(key, statement, base64.b64decode(sig["signature"])) or sig["first_seq"] != first \
                    or sig["last_seq"] != expected - 1:
                problem = "bad_signature: %s.sig does not sign this file's content and range" % path
            else:
                print("archive signature verified (key %s)" % sig["key_id"])
    print("%s: %d record(s)%s, %d signed checkpoint(s) verified" % (
        path, count, "" if not count else " %d..%d" % (first, expected - 1 if expected else first), verified))
    print("INTACT" if problem is None else "NOT INTACT: " + problem)
    return 0 if problem is None else 3


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError, KeyError) as e:
        print("audit-verify: %s" % e, file=sys.stderr)
        sys.exit(1)
