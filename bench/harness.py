"""Shared machinery of the sampler benchmarks: finding interpreters, running a workload alone or under a
profiler, reading each profiler's own figures, and summarising alternated runs.

Every run starts the workload first (it prints READY and waits), attaches the profiler to its PID, and then
tells it to start, so the workload's own timer covers only sampled work. Profilers run as children of this
script, and os.wait4 gives each one's CPU time alone: the target is never their child, so it never counts.
"""
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
WORKLOADS = os.path.join(BENCH, "workloads")
SONDE_DLL = os.path.join(ROOT, ".build", "cli", "sonde.dll")

# Matches RecordingSummary's first line, e.g. "sonde: 2.00 s, 1,990 samples from 1,995 ticks at 997.1 Hz
# (asked 1000.0 Hz); 0 errors, 3 late; sampler CPU 9.8 ms (4.93 us/sample), reading 2.10 us/sample"; the reading
# part (the sampling thread's CPU without the waits between ticks) is absent from older builds.
SONDE_SUMMARY = re.compile(
    r"sonde: (?P<seconds>[\d.]+) s, (?P<samples>[\d,]+) samples from (?P<ticks>[\d,]+) ticks at (?P<hz>[\d.]+) Hz "
    r"\(asked [\d.]+ Hz\); (?P<errors>[\d,]+) errors, (?P<late>[\d,]+) late; "
    r"sampler CPU (?P<cpu_ms>[\d.,]+) ms \((?P<us_per_sample>[\d.,]+) us/sample\)"
    r"(?:, reading (?P<reading_us>[\d.,]+) us/sample)?")
# austin 1.0 ends with e.g. "Long sampling rate : 55/1165 (4.72 %) ..." and "Error rate : 0/1165 (0.00 %) ...".
AUSTIN_ERRORS = re.compile(r"Error rate : (\d+)/(\d+)")
AUSTIN_LONG = re.compile(r"Long sampling rate : (\d+)/(\d+)")


def python(label):
    """The newest pyenv CPython of a minor version, e.g. python("3.12"); exits with advice when missing."""
    found = sorted(glob.glob(f"/root/.pyenv/versions/{label}.*/bin/python3"),
                   key=lambda p: [int(x) for x in re.findall(r"\d+", p.split("/versions/")[1].split("/")[0])])
    if not found:
        sys.exit(f"bench: no CPython {label} under /root/.pyenv/versions; install it or pass another --python")
    return found[-1]


def workload(name, *args):
    return [os.path.join(WORKLOADS, name), *[str(a) for a in args]]


def build_sonde():
    """Builds the CLI once through ./sonde, then runs sonde.dll directly so the script's staleness check and
    bash itself never count in Sonde's CPU time."""
    subprocess.run([os.path.join(ROOT, "sonde"), "--help"], stdout=subprocess.DEVNULL, check=True)
    return ["dotnet", SONDE_DLL]


def austin_available():
    return shutil.which("austin") is not None


@dataclass
class Profiler:
    """A profiler configuration: kind is "plain" (no profiler), "sonde" or "austin"; rate in Hz."""
    kind: str
    rate: float = 0
    label: str = ""
    # Another build of Sonde to run instead of this checkout's, e.g. main's, to compare before and after.
    dll: str = ""

    def __post_init__(self):
        if not self.label:
            self.label = "plain" if self.kind == "plain" else f"{self.kind} {format_rate(self.rate)}"


@dataclass
class RunResult:
    target: dict
    profiler: str
    samples: int = 0
    marked_samples: int = 0
    ticks: int = 0
    errors: int = 0
    late: int = 0
    achieved_hz: float = 0
    sampler_thread_cpu_s: float = 0
    # The part of it spent reading and recording, without waiting for ticks (Sonde estimates it; 0 when absent).
    sampler_reading_cpu_s: float = 0
    process_cpu_s: float = 0
    profiler_wall_s: float = 0
    # CPU that processes other than the target, the profiler and this script used during the run, as a share
    # of the whole machine: other work on a 2-CPU machine shows up directly in elapsed times.
    foreign_cpu_share: float = 0
    extra: dict = field(default_factory=dict)


def format_rate(hz):
    return f"{hz / 1000:g} kHz" if hz >= 1000 else f"{hz:g} Hz"


def run(python_path, workload_argv, profiler, sonde_cmd=None, marker=None, settle_s=0.3, start_at_once=False):
    """Runs the workload once, alone or under the profiler, and returns its own timings with the profiler's
    figures. marker names a function whose samples are counted apart (work, not start-up or idle waiting).
    With start_at_once the workload starts as soon as the profiler is launched, so nearly every tick lands
    on work (the cost benchmark); otherwise it waits until the profiler reads it (the overhead benchmark)."""
    with tempfile.TemporaryDirectory(prefix="sonde-bench-") as tmp:
        busy_before, wall_before, own_before = machine_busy_s(), time.monotonic(), own_cpu_s()
        target = subprocess.Popen([python_path, *workload_argv, "--wait"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, cwd=WORKLOADS)
        proc = None
        try:
            if target.stdout.readline().strip() != "READY":
                raise RuntimeError(f"workload {workload_argv} did not start")
            proc, output, stderr_path = start_profiler(profiler, target.pid, tmp, sonde_cmd)
            profiler_started = time.monotonic()
            if proc is not None and not start_at_once:
                wait_until_sampling(profiler, proc, target.pid, output)
            time.sleep(0 if start_at_once else settle_s)
            target.stdin.write("go\n")
            target.stdin.flush()
            line = target.stdout.readline()
            _, status, target_usage = os.wait4(target.pid, 0)
            target.returncode = os.waitstatus_to_exitcode(status)
            if not line:
                raise RuntimeError(f"workload {workload_argv} gave no result (exit {target.returncode})")
            result = RunResult(target=json.loads(line), profiler=profiler.label)
            if proc is not None:
                finish_profiler(profiler, proc, output, stderr_path, marker, result)
                result.profiler_wall_s = time.monotonic() - profiler_started
            ours = target_usage.ru_utime + target_usage.ru_stime + result.process_cpu_s + own_cpu_s() - own_before
            wall = time.monotonic() - wall_before
            result.foreign_cpu_share = max(0.0, machine_busy_s() - busy_before - ours) / (wall * os.cpu_count())
            return result
        finally:
            for child in (target, proc):
                if child is not None and child.returncode is None and child.poll() is None:
                    child.kill()
                    child.wait()


def start_profiler(profiler, pid, tmp, sonde_cmd):
    stderr_path = os.path.join(tmp, "stderr.txt")
    if profiler.kind == "plain":
        return None, None, stderr_path
    if profiler.kind == "sonde":
        output = os.path.join(tmp, "profile.folded")
        command = ["dotnet", profiler.dll] if profiler.dll else sonde_cmd
        argv = [*command, "record", "-p", str(pid), "-r", f"{profiler.rate:g}", "-o", output]
    elif profiler.kind == "austin":
        output = os.path.join(tmp, "austin.txt")
        argv = ["austin", "-i", str(max(1, round(1_000_000 / profiler.rate))), "-o", output, "-p", str(pid)]
    else:
        raise ValueError(profiler.kind)
    with open(stderr_path, "w") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "NO_COLOR": "1"})
    return proc, output, stderr_path


def wait_until_sampling(profiler, proc, target_pid, output, timeout_s=30):
    """Sonde has sampled once when it holds a file of the target's /proc/PID/task/TID/ open (stat for a thread
    without the GIL, schedstat for one it sampled); austin when its output file has grown (it writes every sample,
    the waiting thread's too)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{profiler.label} exited early with {proc.returncode}")
        if profiler.kind == "sonde" and holds_stat_file(proc.pid, target_pid):
            return
        if profiler.kind == "austin" and os.path.exists(output) and os.path.getsize(output) > 0:
            return
        time.sleep(0.01)
    raise RuntimeError(f"{profiler.label} did not start sampling within {timeout_s} s")


def holds_stat_file(pid, target_pid):
    prefix = f"/proc/{target_pid}/task/"
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(prefix):
                    return True
            except OSError:
                continue
    except OSError:
        return False
    return False


def finish_profiler(profiler, proc, output, stderr_path, marker, result):
    """Reaps the profiler with wait4 for its own CPU time, then reads its sample counts."""
    deadline = time.monotonic() + 60
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            raise RuntimeError(f"{profiler.label} did not exit after the target")
        time.sleep(0.005)
    proc.returncode = os.waitstatus_to_exitcode(status)
    result.process_cpu_s = usage.ru_utime + usage.ru_stime
    with open(stderr_path) as f:
        stderr = f.read()
    if profiler.kind == "sonde":
        read_sonde(stderr, output, marker, result)
    else:
        read_austin(stderr, output, marker, result)


def count(text):
    return int(text.replace(",", ""))


def read_sonde(stderr, output, marker, result):
    summary = SONDE_SUMMARY.search(stderr)
    if summary is None:
        raise RuntimeError("no summary line from sonde:\n" + stderr)
    result.samples = count(summary["samples"])
    result.ticks = count(summary["ticks"])
    result.errors = count(summary["errors"])
    result.late = count(summary["late"])
    result.achieved_hz = float(summary["hz"])
    result.sampler_thread_cpu_s = float(summary["cpu_ms"].replace(",", "")) / 1000
    if summary["reading_us"]:
        result.sampler_reading_cpu_s = float(summary["reading_us"].replace(",", "")) * result.samples / 1e6
    result.extra["sonde_seconds"] = float(summary["seconds"])
    total = marked = 0
    with open(output) as f:
        for line in f:
            stack, _, weight = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            total += int(weight)
            if marker and f"{marker} (" in stack:
                marked += int(weight)
    result.marked_samples = marked
    result.extra["folded_samples"] = total


def read_austin(stderr, output, marker, result):
    """austin 1.0 writes one line per sample, "Thread ID;frame;L12;...;frame;L34 MICROSECONDS"."""
    samples = marked = 0
    with open(output, errors="replace") as f:
        for line in f:
            if not line.startswith("Thread "):
                continue
            samples += 1
            if marker and f";{marker} (" in line:
                marked += 1
    result.samples = samples
    result.marked_samples = marked
    if (errors := AUSTIN_ERRORS.search(stderr)) is not None:
        result.errors = int(errors[1])
        result.ticks = int(errors[2])
    if (late := AUSTIN_LONG.search(stderr)) is not None:
        result.late = int(late[1])


def machine_busy_s():
    """CPU seconds all CPUs have spent busy since boot, from /proc/stat (guest time is already in user)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_s():
    t = os.times()
    return t.user + t.system


def wait_for_quiet(max_share=0.05, window_s=1.0, give_up_s=None):
    """Waits until the rest of the machine has used less than max_share of all CPUs for window_s, so a run
    doesn't start in the middle of someone else's build; gives up after BENCH_QUIET_WAIT seconds (default 120).
    Returns the seconds waited."""
    if give_up_s is None:
        give_up_s = float(os.environ.get("BENCH_QUIET_WAIT", "120"))
    started = time.monotonic()
    while True:
        before, own = machine_busy_s(), own_cpu_s()
        time.sleep(window_s)
        share = (machine_busy_s() - before - (own_cpu_s() - own)) / (window_s * os.cpu_count())
        waited = time.monotonic() - started
        if share < max_share or waited > give_up_s:
            return waited


def run_round(configs, run_one, max_foreign=None, attempts=3):
    """Runs one round (every configuration once, back to back) after the machine is quiet, and runs it again
    when another process took more than max_foreign (BENCH_MAX_OTHERS, default 0.03) of the machine during any
    run. Returns the results and how many attempts were thrown away."""
    if max_foreign is None:
        max_foreign = float(os.environ.get("BENCH_MAX_OTHERS", "0.03"))
    for attempt in range(attempts):
        wait_for_quiet()
        results = [run_one(config) for config in configs]
        worst = max(r.foreign_cpu_share for r in results)
        if worst <= max_foreign or attempt == attempts - 1:
            return results, attempt
        progress(f"  round disturbed ({worst:.0%} of the machine used by other processes); running it again")


def primitives():
    """Builds and runs tools/primitives.c: what a sleep wake-up, a process_vm_readv and a /proc stat read cost
    here, in microseconds of CPU. Empty when no C compiler is installed."""
    if shutil.which("gcc") is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="sonde-bench-") as tmp:
        binary = os.path.join(tmp, "primitives")
        subprocess.run(["gcc", "-O2", "-o", binary, os.path.join(BENCH, "tools", "primitives.c")], check=True)
        output = subprocess.run([binary], capture_output=True, text=True, check=True).stdout
    return {name: float(value) for name, value in (line.split() for line in output.splitlines())}


def median(values):
    return statistics.median(values) if values else float("nan")


def quartiles(values):
    if len(values) < 4:
        return min(values, default=float("nan")), max(values, default=float("nan"))
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def table(headers, rows):
    """A Markdown table, so the output pastes straight into docs/benchmarks.md."""
    text = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) if text else len(h) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in text]
    return "\n".join(lines)


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    austin = subprocess.run(["austin", "-V"], capture_output=True, text=True).stdout.strip() if austin_available() else "absent"
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    if subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src"], capture_output=True, text=True).stdout.strip():
        commit += " with uncommitted changes in src/"
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} CPUs ({model}); Linux {platform.release()}; "
            f".NET SDK {dotnet}; {austin}; commit {commit}; load average {os.getloadavg()[0]:.2f}")


def header(title, argv):
    print(f"## {title}\n")
    print(f"`{' '.join(argv)}`  \n{machine()}\n", flush=True)


def progress(text):
    print(text, file=sys.stderr, flush=True)
