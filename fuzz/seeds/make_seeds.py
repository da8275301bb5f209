#!/usr/bin/env python3
"""Writes the hand-made seed inputs of each fuzz target into fuzz/corpus/<target>/.

Seeds are named `seed-*`; everything else in a corpus directory came from fuzzing
(minimized with `cargo fuzz cmin`). Re-running this script rewrites the seeds only.
Run from anywhere: paths are relative to this file.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def clear_seeds():
    for target in ("decode_page", "parse_requirements", "differential"):
        directory = os.path.join(CORPUS, target)
        if os.path.isdir(directory):
            for name in os.listdir(directory):
                if name.startswith("seed-"):
                    os.remove(os.path.join(directory, name))


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = os.path.join(CORPUS, target, "seed-" + name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def runner(rid, tags, created="2024-01-10T08:00:00Z", status="active", kind="pro", **extra):
    r = {"id": rid, "name": "runner " + rid, "status": status, "tags": tags,
         "created_at": created, "updated_at": created}
    if kind is not None:
        r["runner_type"] = kind
    r.update(extra)
    return r


def page(runners, total=None):
    return {"runners": runners, "total": len(runners) if total is None else total}


def decode_page_seeds():
    t = "decode_page"
    with open(os.path.join(ROOT, "crates/runner-match/tests/fixtures/managed-runners-example.json"), "rb") as f:
        write(t, "managed-runners-example.json", f.read())
    with open(os.path.join(ROOT, "standin/fleet.json")) as f:
        fleet = json.load(f)
    write(t, "standin-fleet-page.json", json.dumps(page(fleet), separators=(",", ":")))
    write(t, "standin-fleet-list.json", json.dumps(fleet[:6], indent=1))
    readme = page([
        runner("r-1", ["gpu-a100", "flux"]),
        runner("r-2", ["gpu-a100", "flux", "video"], "2024-02-01T08:00:00Z"),
        runner("r-3", [], "2024-03-01T08:00:00Z", kind="plus"),
        runner("r-4", ["gpu-a100", "flux"], "2024-03-01T08:00:00Z", status="disabled"),
    ])
    write(t, "readme-page.json", json.dumps(readme))
    write(t, "empty-page.json", '{"runners":[],"total":0}')
    write(t, "self-hosted.json", json.dumps(runner(
        "s-1", ["local"], kind=None, user_id="u-1", endpoint="http://127.0.0.1:8188",
        headers={"Authorization": "Bearer hunter2", "X-Key": "secret"})))
    write(t, "self-hosted-no-headers.json", json.dumps(runner(
        "s-2", [], kind=None, endpoint="http://127.0.0.1:8188")))
    write(t, "unknown-status-type.json", json.dumps(page([
        runner("u-1", ["gpu"], status="inactive", kind="enterprise"),
        runner("u-2", ["gpu", "gpu", "GPU"], status="ACTIVE", kind="Pro"),
        runner("u-3", [""], status="", kind=None),
    ])))
    write(t, "runner-type-null.json", json.dumps(runner("n-1", ["x"], kind=None)).replace('"status"', '"runner_type":null,"status"'))
    stamps = [
        "2024-01-10T09:00:00+01:00", "2024-01-10T08:00:00.5Z", "2024-01-10t08:00:00z",
        "2024-01-10 08:00:00Z", "2024-01-10T08:00:00.123456789123Z", "2023-12-31T23:59:60Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-23:59", "2000-02-29T12:00:00+00:00",
        "1969-12-31T23:59:59Z",
    ]
    write(t, "timestamps-page.json", json.dumps(page(
        [runner("t-%d" % i, ["ts"], s) for i, s in enumerate(stamps)]), ensure_ascii=False))
    for i, s in enumerate(stamps + ["2023-02-29T08:00:00Z", "2024-01-10T24:00:00Z",
                                    "2024-01-10T08:00:00.Z", "2024-01-10T08:00:00+0100",
                                    "2024-01-10T08:00:00+24:00", "２024-01-10T08:00:00Z",
                                    "2024-01-10T08:00:00Zjunk", "2024-01-10T08:00:00"]):
        write(t, "timestamp-%02d" % i, s)
    write(t, "bad-timestamp-runner.json", json.dumps(runner("b-1", [], "2024-01-10T08:00:00")))
    write(t, "missing-field.json", '{"id":"m","name":"m","status":"active","created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}')
    write(t, "duplicate-field.json", '{"id":"d","id":"e","name":"d","status":"active","tags":[],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}')
    write(t, "extra-fields-unicode.json", json.dumps(runner(
        "\u65e5\u672c", ["\u65e5\u672c", "caf\u00e9", "a\u0000b", "\ud83d\ude80"], extra_field=[1, {"x": None}]),
        ensure_ascii=True))
    write(t, "escapes.json", '{"runners":[{"id":"\\u0041\\n","name":"\\ud83d\\ude80","status":"act\\u0069ve","tags":["\\"q\\"","\\\\"],"created_at":"2024-01-10T08:00:00\\u005a","updated_at":"2024-01-10T08:00:00Z"}],"total":18446744073709551615}')
    write(t, "negative-total.json", '{"runners":[],"total":-1}')
    write(t, "nested.json", "[" * 200 + "]" * 200)


def parse_requirements_seeds():
    t = "parse_requirements"
    seeds = [
        "", "   ", "gpu-a100", "production, gpu-a100", "  a ,b  ,  c ", "a,b,a,b", "GPU,gpu",
        "gpu a100", "\u00fcn\u00efcode,\u65e5\u672c", "a,,b", ",a", "a, ,b", "a,b,", "a,b\nc", "a\0",
        "ok," + "x" * 257, "gpu-* & (flux | sdxl) & !development",
        "gpu-* & (flux | sdxl) & !development, type:pro", "(flux||sdxl) , !\"dev box\"",
        "gpu & (flux | )", "gpu, sdxl?, !dev-*, type:pro, flux | video", "a && b", "a | b, c",
        "!(gpu | type:pro)", "!!a", "\"50*\" & \"type:x\" & \"a|b\"", "\"a\\\"b\\\\c\"", "\"a\\nb\"",
        "\"unterminated", "((a)", "a)", "type:", "type:*", "!type:*", "a b", "a (b)", "&", "||",
        "\u65e5? | *\u00fc", "a\tb", "\"\"", "\" \"", "x" * 300, "\"" + "y" * 300 + "\"",
        "!" * 64 + "a", "!" * 65 + "a", "(" * 64 + "a" + ")" * 64, "(" * 65 + "a" + ")" * 65,
        ",".join(["t%d" % i for i in range(1001)]),
        " & ".join(["t%d" % i for i in range(1001)]),
        "gpu\nflux\n sdxl \n\ngpu", "gpu\r\nflux", "a\u00a0,\u2003b", "\u0085a", "a\u2028b",
        "\ufeffgpu", "\u00e9\u0301", "caf\u00e9 & !\u65e5\u672c*", "a*b*c*d*e*f*g*h",
        "type:pro | type:plus, !type:enterprise", "\"type:pro\"", "TYPE:pro", "gpu-a100 && flux",
        "(a, b) | c", "!(a, b)", "a & !(b | c) | d & e", "a||b&&c,!d",
    ]
    for i, s in enumerate(seeds):
        write(t, "%03d" % i, s)
    write(t, "invalid-utf8", b"gpu,\xff\xfe,fl\xc3ux & \xe6\x97")
    # Known core issues (fuzz/README.md); they fail with RUNNER_MATCH_FUZZ_STRICT=1.
    write(t, "finding-1-canonical-depth", "!" * 63 + "(a|b,c)")
    write(t, "finding-3-display-round-trip", "a|b\ngpu-*")
    write(t, "long-expression", " | ".join(["tag%d" % i for i in range(1200)]))


def differential_seeds():
    t = "differential"

    def fleet(runners):
        out = bytes([len(runners)])
        for kind, when, tags in runners:
            out += bytes([kind, when, len(tags)] + tags)
        return out

    # (kind, when, tag bytes): kind low 3 bits status (0-4 active, 5 disabled,
    # 6 ACTIVE, 7 inactive), bits 3-4 type, bit 7 self-hosted; tags index RUNNER_TAGS.
    small = fleet([
        (0, 0, [0, 2]), (8, 1, [0, 2, 5]), (16, 2, []), (5, 3, [0, 2]),
        (0, 8, [1, 3]), (24, 9, [9]), (128, 16, [10, 11]), (6, 17, [12, 13]),
        (7, 40, [0, 0, 1, 1]), (0, 0, [2, 0]),
    ])
    seed = struct.pack("<Q", 42)
    write(t, "plain-two-tags", bytes([0]) + small + bytes([2, 0, 2]) + seed)
    write(t, "plain-wildcard", bytes([1]) + small + bytes([0]) + seed)
    write(t, "plain-unknown", bytes([0]) + small + bytes([1, 13]) + seed)
    write(t, "plain-trimmed-dup", bytes([0]) + small + bytes([4, 12, 2, 2, 9]) + seed)
    write(t, "plain-star-type", bytes([4]) + small + bytes([2, 10, 11]) + seed)
    big = fleet([((i * 37) % 256, (i * 53) % 256, [(i * 7 + k) % 14 for k in range(i % 6)]) for i in range(64)])
    write(t, "plain-64", bytes([0]) + big + bytes([1, 0]) + seed)
    # mode 2: a generated tree; node byte b % 8: 4 not, 5 and, 6 or, else leaf
    # (then a leaf byte: % 4 tag/quoted/glob/type, >> 2 index).
    write(t, "gen-and-or", bytes([2]) + small + bytes([5, 0, 0, 6, 0, 8, 0, 2, 4, 0, 12]) + seed)
    write(t, "gen-spaced-not", bytes([0x12]) + small + bytes([4, 6, 0, 3, 0, 7]) + seed)
    write(t, "gen-plain", bytes([2]) + small + bytes([5 | 0x80, 0, 0, 0, 8, 0, 16]) + seed)
    write(t, "gen-deep", bytes([0x12]) + big + bytes([4 | 0x40, 5 | 0x88, 4, 6, 0, 1, 0, 2, 0, 3, 0, 5, 0, 6]) + seed)
    # mode 3: raw expression text after the fleet
    for i, text in enumerate([
        "gpu-* & (flux | sdxl) & !dev", "gpu, flux", "!(gpu | type:pro)", "type:p* | !type:*",
        "\"gpu-*\" | \"type:pro\" | \" flux\"", "*", "!*", "Fl* & !GPU, \u65e5?", "", "gpu & GPU",
    ]):
        write(t, "raw-%02d" % i, bytes([3]) + small + text.encode())
    # bit 0x20 of the mode: preferences (count byte % 4, then per preference a byte:
    # key PREFERENCE_KEYS[b % 10], avoid when b & 0x10, weight WEIGHTS[b >> 5]).
    prefs = bytes([3, 0x00, 0x13, 0x65])
    write(t, "prefs-plain", bytes([0x20]) + small + prefs + bytes([1, 2]) + seed)
    write(t, "prefs-plain-64", bytes([0x21]) + big + bytes([2, 0x88, 0xE4]) + bytes([2, 0, 2]) + seed)
    write(t, "prefs-wildcard-dup", bytes([0x20]) + small + bytes([3, 0x00, 0x00, 0x10]) + bytes([0]) + seed)
    write(t, "prefs-gen", bytes([0x32]) + small + prefs + bytes([6, 8, 0, 4, 0, 2]) + seed)
    write(t, "prefs-raw", bytes([0x23]) + small + prefs + "gpu-* | !type:plus".encode())
    write(t, "empty", b"")


clear_seeds()
decode_page_seeds()
parse_requirements_seeds()
differential_seeds()
