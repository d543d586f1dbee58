"""Child processes in their own process groups, started, awaited and stopped."""
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional

from infra.local.environment import port_is_free


class ChildFailed(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    url: str
    log_path: Optional[Path]

    def log_tail(self, lines: int = 20) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def start_child(name: str, argv: List[str], port: int, log_path: Optional[Path] = None,
                cwd: Optional[Path] = None) -> Child:
    """Start argv in a new session, so that its whole group can be killed.
    Output goes to log_path, or to this process's own when that is None."""
    if not port_is_free(port):
        raise ChildFailed(f"{name}: port {port} is already in use")
    if log_path is None:
        output = None
    else:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        output = open(log_path, "wb")
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT if output else None,
                                   cwd=cwd, start_new_session=True)
    finally:
        if output is not None:
            output.close()
    return Child(name, process, f"http://127.0.0.1:{port}/", log_path)


def answers_http(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True  # any HTTP status means the server is up
    except OSError:
        return False
    return True


def wait_until_answering(children: Iterable[Child], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    for child in children:
        while not answers_http(child.url):
            if child.process.poll() is not None:
                raise ChildFailed(f"{child.name} exited with {child.process.returncode}\n"
                                  f"{child.log_tail()}")
            if time.monotonic() > deadline:
                raise ChildFailed(f"{child.name} did not answer on {child.url} "
                                  f"within {timeout:.0f} s\n{child.log_tail()}")
            time.sleep(0.05)


def first_exited(children: Iterable[Child]) -> Optional[Child]:
    return next((c for c in children if c.process.poll() is not None), None)


def stop_children(children: Iterable[Child], grace: float = 5.0) -> None:
    """SIGTERM each process group, then SIGKILL what is left after the grace period."""
    children = list(children)
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        # Whatever in the group outlived its leader goes too.
        _signal_group(child, signal.SIGKILL)
        child.process.wait()


def _signal_group(child: Child, sig: int) -> None:
    try:
        os.killpg(child.process.pid, sig)
    except ProcessLookupError:
        pass
