"""A private, throw-away PostgreSQL cluster for the restart scenario.

The restart scenario must never restart a shared server: it runs Debian's `initdb` and
`pg_ctl` (PostgreSQL 15 or whichever /usr/lib/postgresql/<v>/bin has) in a temporary
directory, listening on 127.0.0.1 on a free port with trust authentication, and removes
everything afterwards. PostgreSQL refuses to run as root, so as root the binaries run as the
`postgres` system user (via runuser) and the directory is handed to it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Cluster:
    bin_dir: Path
    data_dir: Path
    socket_dir: Path
    port: int
    log: Path
    run_as: str | None

    def _command(self, *args: str) -> list[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *command]
        return command

    def pg_ctl(self, action: str, *extra: str, timeout: float = 60) -> float:
        """Run `pg_ctl <action> -w` and return how long it took in seconds."""
        started = time.perf_counter()
        subprocess.run(
            self._command(
                "pg_ctl", action, "-D", str(self.data_dir), "-l", str(self.log), "-w", *extra
            ),
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return time.perf_counter() - started

    def restart(self) -> float:
        """Fast restart (open connections are terminated), as an operator would."""
        return self.pg_ctl("restart", "-m", "fast")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise FileNotFoundError("No /usr/lib/postgresql/<version>/bin/initdb on this machine.")
    return Path(candidates[0]).parent


@contextmanager
def private_cluster(*, say: Callable[[str], None], max_connections: int = 100) -> Iterator[Cluster]:
    bin_dir = find_bin_dir()
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="sankangaku-pg-"))
    data_dir, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    if run_as:
        entry = pwd.getpwnam(run_as)
        for path in (root, socket_dir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(root, 0o755)
    cluster = Cluster(bin_dir, data_dir, socket_dir, _free_port(), root / "postgres.log", run_as)
    try:
        subprocess.run(
            cluster._command(
                "initdb",
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={cluster.port} "
            f"-c unix_socket_directories={socket_dir} -c max_connections={max_connections} "
            "-c fsync=on -c shared_buffers=128MB"
        )
        cluster.pg_ctl("start", "-o", options)
        say(
            f"Private PostgreSQL cluster ({bin_dir.parent.name}) on 127.0.0.1:{cluster.port} "
            f"in {root}."
        )
        yield cluster
    finally:
        with suppress(subprocess.SubprocessError, OSError):
            cluster.pg_ctl("stop", "-m", "immediate", timeout=30)
        shutil.rmtree(root, ignore_errors=True)
        say(f"Private PostgreSQL cluster stopped and {root} removed.")
