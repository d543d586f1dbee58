"""The authorizer reads the admin key from Secrets Manager (moto here) when no key is in its
environment, as in AWS, and keeps it a few minutes."""
import uuid

import boto3
import pytest

from chalicelib import secrets
from chalicelib.api import auth


@pytest.fixture
def secret(monkeypatch):
    client = boto3.client("secretsmanager")
    arn = client.create_secret(Name=f"invoicing/test/admin-key-{uuid.uuid4().hex}",
                               SecretString="first-admin-key")["ARN"]
    monkeypatch.setenv("INVOICING_ADMIN_KEY", "")
    monkeypatch.setenv("INVOICING_ADMIN_KEY_SECRET", arn)
    return client, arn


def test_the_admin_key_comes_from_the_secret_when_the_environment_has_none(secret):
    assert auth.identify("first-admin-key") == {"role": "admin"}
    assert auth.identify("another-key") == {}


def test_a_rotated_key_takes_effect_once_the_kept_value_is_old(secret, monkeypatch):
    client, arn = secret
    now = [1000.0]
    monkeypatch.setattr(secrets, "_clock", lambda: now[0])
    assert auth.identify("first-admin-key") == {"role": "admin"}
    client.put_secret_value(SecretId=arn, SecretString="second-admin-key")

    now[0] += secrets.KEEP_SECONDS - 1  # still the kept value: no call to Secrets Manager
    assert auth.identify("first-admin-key") == {"role": "admin"}
    now[0] += 1
    assert auth.identify("second-admin-key") == {"role": "admin"}
    assert auth.identify("first-admin-key") == {}


def test_no_key_and_no_secret_closes_tenant_management(monkeypatch):
    monkeypatch.setenv("INVOICING_ADMIN_KEY", "")
    monkeypatch.delenv("INVOICING_ADMIN_KEY_SECRET", raising=False)
    assert auth.identify("") == {}
    assert auth.admin_key() == ""
