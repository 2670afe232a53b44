#!/usr/bin/python3
"""Renders the suite's JSON results into BENCHMARKS.md: the machine, the commands, every target, every table.

    bench/render_benchmarks.py --out BENCHMARKS.md [--postgres-port PORT] [--smoke] RESULT.json...

Two kinds of input: bench/ingest.sh's (BENCH_JSON: one per store and connection count, gathered into one table
here) and the shared shape every other step writes: {scenario, title, command, store, smoke, machine,
tables: [{caption, columns, rows}], targets: [{name, target, measured, met, note}]}.
The hand-written notes between "<!-- notes -->" and "<!-- /notes -->" in the existing output file are kept.
Exit 0; 1 with one line "render_benchmarks.py: FAILED: ..." on stderr.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

NOTES = re.compile(r"<!-- notes -->.*?<!-- /notes -->", re.S)
ORDER = ["ingest", "drain", "end-to-end", "growth", "lms"]
INGEST_COMMAND = "bench/ingest.sh with BENCH_CONNECTIONS=1, 16, 64 (bench/suite.sh runs it)"


class Failed(Exception):
    pass


def run(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine(postgres_port):
    cpu = "unknown"
    memory = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8") if line.startswith("model name"))
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo", encoding="utf-8") if line.startswith("MemTotal"))
        memory = "{:.1f} GiB".format(kb / 1048576)
    except (OSError, StopIteration):
        pass
    tmp = os.environ.get("TMPDIR", "/tmp")
    df = run("df", "-T", tmp).splitlines()
    fs = df[-1].split()[1] if len(df) > 1 else "unknown"
    lines = [
        ("cores", str(os.cpu_count())),
        ("CPU", cpu),
        ("memory", memory),
        ("kernel", platform.release()),
        (".NET SDK", run("dotnet", "--version")),
        ("Python", platform.python_version()),
        ("temp folder (SQLite files)", "{} ({})".format(tmp, fs)),
    ]
    if postgres_port:
        lines.append(("PostgreSQL", run("psql", "-h", "127.0.0.1", "-p", str(postgres_port), "-U", "postgres", "-Atc",
                                         "SHOW server_version") + " (bench/postgres.sh: fsync and synchronous_commit on)"))
    return lines


def ingest_section(results):
    """One table for every ingest.sh run, and the ingest targets at 64 connections."""
    rows, targets = [], []
    for r in sorted(results, key=lambda r: (r.get("store", "SQLite") != "SQLite", r["connections"])):
        bare, bridge = r.get("bare") or {}, r.get("bridge") or {}
        def per_request(side):
            return "{:.0f}".format(side["server_ticks"] / side["tck"] * 1e6 / side["requests"]) if side.get("requests") else "-"
        ratio = r.get("ratio_bridge_bare")
        rows.append([r.get("store", "SQLite"), str(r["connections"]),
                     "{:,.0f}".format(bare["rps"]) if bare else "-", "{:,.0f}".format(bridge["rps"]) if bridge else "-",
                     "{:.3f}".format(ratio) if ratio is not None else "-",
                     "{:.2f}".format(bridge["p50_us"] / 1000) if bridge else "-", "{:.2f}".format(bridge["p99_us"] / 1000) if bridge else "-",
                     per_request(bridge) if bridge else "-", per_request(bare) if bare else "-",
                     "{:,}".format(r["bridge_rows_committed"]) if r.get("bridge_rows_committed") is not None else "-"])
        if r["connections"] == 64 and bridge:
            store = r.get("store", "SQLite")
            if ratio is not None:
                targets.append({"name": "ingest, {}: bridge / bare requests per second at 64 connections".format(store),
                                "target": ">= 0.35", "measured": "{:.3f}".format(ratio), "met": ratio >= 0.35, "note": None})
            p99 = bridge["p99_us"] / 1000
            targets.append({"name": "ingest, {}: p99 at 64 connections".format(store), "target": "<= 25 ms",
                            "measured": "{:.2f} ms".format(p99), "met": p99 <= 25, "note": None})
    first = results[0]
    caption = ("wrk -t{} -d{}s after {} s of warm-up, signed notifications never repeated; bridge as shipped (logs at {}), "
               "no deleter enabled. Every run checks that each 202 is a committed row (rows = 202s + requests cut off "
               "at the end that the bridge still committed). CPU µs/request: the server's process CPU time (on "
               "PostgreSQL, the bridge's and the database's) per completed request.").format(
        first["threads"], first["duration_s"], first.get("warmup_s", "?"), first["bridge_log_level"])
    return {
        "scenario": "ingest", "title": "Ingest: the bridge next to a bare Kestrel endpoint", "command": INGEST_COMMAND,
        "store": ", ".join(sorted({r.get("store", "SQLite") for r in results})),
        "tables": [{"caption": caption,
                    "columns": ["store", "connections", "bare req/s", "bridge req/s", "bridge / bare", "bridge p50 ms",
                                "bridge p99 ms", "bridge CPU µs/req", "bare CPU µs/req", "rows committed"],
                    "rows": rows}],
        "targets": targets,
    }


def load(paths):
    ingest, sections = [], []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as exc:
            raise Failed("cannot read {}: {}".format(path, exc))
        if "bridge" in doc and "connections" in doc:
            ingest.append(doc)
        elif {"scenario", "tables", "targets"} <= set(doc):
            sections.append(doc)
        else:
            raise Failed("{} is neither ingest.sh's JSON nor a scenario's".format(path))
    if ingest:
        sections.append(ingest_section(ingest))
    if not sections:
        raise Failed("no results given")
    sections.sort(key=lambda s: (ORDER.index(s["scenario"]) if s["scenario"] in ORDER else len(ORDER), s.get("store", "")))
    return sections


def cell(value):
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(columns, rows):
    out = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + " --- |" * len(columns)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def render(sections, machine_lines, smoke, notes):
    verdict = {True: "✅ met", False: "❌ not met", None: "— reported"}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# Benchmarks", "",
           "The latest {}run of the benchmark suite (`bench/suite.sh`; bench/README.md says what each step does), "
           "{}. Everything ran on 127.0.0.1 on this one machine: load generator, bridge, fakes and database share its "
           "cores.".format("SMOKE (small N, not figures to quote) " if smoke else "full ", now), "",
           "Reproduce: `bench/suite.sh` (SQLite) and `bench/suite.sh --postgres` (also PostgreSQL, on a throwaway "
           "cluster); one step: `bench/suite.sh --only drain`.", "", "## Machine", ""]
    out += table(["", ""], machine_lines)
    out += ["", "## Targets", ""]
    rows = []
    for s in sections:
        for t in s["targets"]:
            rows.append([t["name"], t["target"], t["measured"], verdict[t["met"]], t.get("note") or ""])
    out += table(["target", "goal", "measured", "", "note"], rows)
    out += ["", notes, ""]
    for s in sections:
        out += ["## {} ({})".format(s["title"], s.get("store", "")), "", "`{}`".format(s["command"]), ""]
        for t in s["tables"]:
            out += [t["caption"], ""] + table(t["columns"], t["rows"]) + [""]
    return "\n".join(out).rstrip() + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--postgres-port", type=int, default=None)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("results", nargs="+")
    args = parser.parse_args(argv)
    try:
        sections = load(args.results)
        notes = "<!-- notes -->\n<!-- /notes -->"
        existing = Path(args.out)
        if existing.exists():
            found = NOTES.search(existing.read_text(encoding="utf-8"))
            if found:
                notes = found.group(0)
        text = render(sections, machine(args.postgres_port), args.smoke, notes)
        existing.write_text(text, encoding="utf-8")
    except (Failed, OSError, KeyError, TypeError) as exc:
        print("render_benchmarks.py: FAILED: {}".format(exc), file=sys.stderr)
        return 1
    print("wrote {} ({} sections)".format(args.out, len(sections)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
