#!/usr/bin/env python3
"""Does `sonde agent` keep its memory bounded over hours? Runs it for an hour against busy targets, pushing to a
local receiver, and samples its resident set size every minute.

    bench/agent_soak.py [--minutes 60] [--every 10s] [--python /usr/bin/python3.11] [--json soak.json]

The targets: one busy process for the whole run (bench/workloads/cpu_bound.py: recursion, loops, dict and string
work), plus a short-lived one started every two minutes that lives 50 seconds, so the agent keeps attaching to and
dropping processes (`--match`). The receiver is a Pyroscope-style `/ingest` endpoint on 127.0.0.1 that answers 200
and counts windows; every tenth minute it answers 503 for a minute, so the spool and the retries run too.
Prints one line per minute (elapsed, RSS; the first at one minute, once the agent has started up) and, at the
end, first/max/last RSS and the windows received. Stops the agent with SIGTERM, as a service manager would.
"""
import argparse
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import uuid

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
SONDE_DLL = os.path.join(ROOT, ".build", "cli", "sonde.dll")
WORKLOAD = os.path.join(BENCH, "workloads", "cpu_bound.py")


class Receiver(http.server.BaseHTTPRequestHandler):
    windows = 0
    refused = 0
    bytes = 0
    down = False

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if Receiver.down:
            Receiver.refused += 1
            self.send_response(503)
        else:
            Receiver.windows += 1
            Receiver.bytes += len(body)
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--every", default="10s")
    parser.add_argument("--python", default="/usr/bin/python3.11")
    parser.add_argument("--json")
    parser.add_argument("--sonde-dll", default=SONDE_DLL, help="a copy of the CLI, so rebuilding .build/cli can't disturb an hour-long run")
    args = parser.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    # An -X option Python ignores, so --match finds the soak's targets by command line and nothing else.
    tag = f"sonde_soak_{uuid.uuid4().hex[:8]}"
    seconds = args.minutes * 60
    spool = f"/tmp/sonde-soak-spool-{tag}"

    busy = subprocess.Popen([args.python, "-X", tag, WORKLOAD, "--seconds", str(seconds + 120)], cwd=os.path.dirname(WORKLOAD),
                            stdout=subprocess.DEVNULL)
    agent = subprocess.Popen(["dotnet", args.sonde_dll, "agent", "--match", tag, "--every", args.every, "--push", url,
                              "--name", "soak", "--label", "bench=agent_soak", "--spool", spool],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = []
    threading.Thread(target=lambda: log.extend(agent.stderr), daemon=True).start()
    short_lived = []
    samples = []
    start = time.monotonic()
    next_sample = start + 60
    next_short = start + 30
    try:
        while time.monotonic() - start < seconds and agent.poll() is None:
            now = time.monotonic()
            if now >= next_short:
                short_lived.append(subprocess.Popen([args.python, "-X", tag, WORKLOAD, "--seconds", "50"],
                                                    cwd=os.path.dirname(WORKLOAD), stdout=subprocess.DEVNULL))
                next_short += 120
            minute = int((now - start) // 60)
            Receiver.down = minute % 10 == 9
            if now >= next_sample:
                samples.append((round(now - start), rss_bytes(agent.pid)))
                print(f"{samples[-1][0]:6d} s  RSS {samples[-1][1] / 2**20:7.1f} MiB  windows {Receiver.windows}  503s {Receiver.refused}", flush=True)
                next_sample += 60
            time.sleep(1)
    finally:
        Receiver.down = False
        agent.send_signal(15)
        try:
            agent.wait(timeout=60)
        except subprocess.TimeoutExpired:
            agent.kill()
        for process in [busy] + short_lived:
            process.kill()
            process.wait()
    elapsed = time.monotonic() - start
    rss = [r for _, r in samples]
    result = {
        "minutes": round(elapsed / 60, 1), "every": args.every, "python": args.python,
        "rss_start_mib": round(rss[0] / 2**20, 1) if rss else None,
        "rss_max_mib": round(max(rss) / 2**20, 1) if rss else None,
        "rss_end_mib": round(rss[-1] / 2**20, 1) if rss else None,
        "rss_after_10_min_mib": round(rss[10] / 2**20, 1) if len(rss) > 10 else None,
        "windows_received": Receiver.windows, "refused_with_503": Receiver.refused,
        "agent_exit": agent.returncode, "samples": samples,
        "agent_log_tail": [line.rstrip() for line in log[-5:]],
    }
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    sys.exit(main())
