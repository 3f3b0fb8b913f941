"""Run a command as a child process and measure it, for the benchmarks: wall time; peak resident memory of its
whole process tree (the command line, the forkserver or Dask processes, all workers), summed, of the largest
single process and of the command line itself (the driver, which holds the run's results); and CPU time of the
tree. The tree is sampled with psutil every ``interval`` seconds:
getrusage would cover only the children the command reaped itself, not the forkserver's workers.
"""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def measure(argv: list[str], out: Path, interval: float = 0.2) -> dict:
    """Run ``argv`` from the repository; wall time, memory and CPU of its process tree, and the manifest it
    wrote to ``out``. CPU time is each process's user + system time at its last sample (so at most
    ``interval`` of each process's last moments is missed); 0 without psutil."""
    try:
        import psutil               # installed with the dask extra; without it only wall time is reported
    except ImportError:
        psutil = None
    started = time.perf_counter()
    child = (psutil.Popen if psutil else subprocess.Popen)(argv, cwd=REPO_DIR)
    peak, largest, driver, cpu = 0, 0, 0, {}
    timeouts = (subprocess.TimeoutExpired, psutil.TimeoutExpired) if psutil else (subprocess.TimeoutExpired,)
    while True:
        if psutil:
            total, biggest, own = _sample_tree(child, cpu)
            peak, largest, driver = max(peak, total), max(largest, biggest), max(driver, own)
        try:                        # returns as soon as the child ends: a 0.3 s run is not timed as 0.4 s
            child.wait(timeout=interval)
            break
        except timeouts:
            pass
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"run failed with exit code {child.returncode}: {' '.join(argv)}")
    manifest = json.loads((out / "manifest.json").read_text())
    return {"seconds": wall, "peak_tree_mb": peak / 2**20, "largest_process_mb": largest / 2**20,
            "driver_mb": driver / 2**20, "cpu_seconds": sum(cpu.values()), "processes": len(cpu), "manifest": manifest}


def _sample_tree(process, cpu: dict) -> tuple[int, int, int]:
    """(sum, largest, the root's own) resident memory over ``process`` and all its descendants; records each
    one's CPU time in ``cpu`` under (pid, start time), so a reused pid counts as another process."""
    import psutil

    sizes = {}
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:            # the root has just exited
        return 0, 0, 0
    for p in tree:
        try:
            with p.oneshot():
                sizes[p.pid] = p.memory_info().rss
                times = p.cpu_times()
                cpu[(p.pid, p.create_time())] = times.user + times.system
        except psutil.Error:
            pass
    return sum(sizes.values()), max(sizes.values(), default=0), sizes.get(process.pid, 0)
