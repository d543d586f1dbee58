"""The environment that points the app at the local stand-ins instead of AWS."""
import random
import socket
from typing import Dict

REGION = "eu-west-2"
# DynamoDB Local rejects credentials with anything but letters and digits.
FAKE_ACCESS_KEY_ID = "local"
FAKE_SECRET_ACCESS_KEY = "local"


def endpoint(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def local_environment(dynamodb_port: int, moto_port: int, table_name: str,
                      admin_key: str) -> Dict[str, str]:
    """Variables for the app, the pump and the tests; the buckets are named after the table."""
    moto = endpoint(moto_port)
    return {
        # Any service without its own variable below goes to moto, never to AWS.
        "AWS_ENDPOINT_URL": moto,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint(dynamodb_port),
        "AWS_ENDPOINT_URL_S3": moto,
        "AWS_ENDPOINT_URL_SQS": moto,
        "AWS_ENDPOINT_URL_SES": moto,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_ACCESS_KEY,
        "INVOICING_TABLE": table_name,
        "INVOICING_DOCUMENTS_BUCKET": f"{table_name}-documents",
        "INVOICING_UPLOADS_BUCKET": f"{table_name}-uploads",
        "INVOICING_ADMIN_KEY": admin_key,
        # A developer's HTTP(S)_PROXY must not capture the calls to the stand-ins.
        "NO_PROXY": "127.0.0.1,localhost",
    }


def free_port() -> int:
    """A random port that nothing listens on now, below Linux's ephemeral range
    (32768-60999), so that no outgoing connection takes it before a server binds it."""
    for port in random.sample(range(20000, 32768), 100):
        if port_is_free(port):
            return port
    raise RuntimeError("no free port between 20000 and 32767")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Connections left in TIME_WAIT by a previous run must not count as "in use".
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
