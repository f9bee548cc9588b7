import pytest


@pytest.fixture
def login(client):
    """Log a persona of the `world` in on the test client; returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
