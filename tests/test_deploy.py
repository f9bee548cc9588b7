"""`manage.py check --deploy` is clean with the production settings the README documents:
the test reads the README's block and fills each `<placeholder>` with a made value."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_production_env() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return dict(re.findall(r"^export (\w+)=(.*)$", block, re.M))


def _filled(value: str) -> str:
    def made(match: re.Match) -> str:
        wanted = match.group(1)
        if "base64" in wanted:
            return base64.b64encode(secrets.token_bytes(32)).decode()
        if "random characters" in wanted:
            return secrets.token_urlsafe(50)
        return "shaodian.example.gov.cn"
    return re.sub(r"<([^>]*)>", made, value)


def test_the_readme_documents_the_keys_every_production_server_needs():
    documented = _readme_production_env()
    for name in ("SHAODIAN_SECRET_KEY", "SHAODIAN_FIELD_KEY", "SHAODIAN_HASH_KEY",
                 "SHAODIAN_CODE_KEY", "SHAODIAN_ALLOWED_HOSTS", "SHAODIAN_HTTPS"):
        assert name in documented, name


def test_the_deploy_check_is_clean_with_the_readmes_production_settings(tmp_path):
    # a production server's environment: the README's block and the system's basics, none
    # of this test process's settings (DJANGO_ALLOW_ASYNC_UNSAFE of the browser tests, …)
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR")
           if key in os.environ}
    env.update({name: _filled(value) for name, value in _readme_production_env().items()})
    env["DATABASE_URL"] = "sqlite:///" + str(tmp_path / "db.sqlite3")  # never connected to
    env["SHAODIAN_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
