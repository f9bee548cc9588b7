"""The engine is pure Python: no Django anywhere in apps/policy/engine."""

import re
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def test_it_imports_without_django():
    code = (
        "import sys\n"
        "import apps.policy.engine.evaluate, apps.policy.engine.packs, apps.policy.engine.bench\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
        "from apps.policy.engine.bench import realistic_facts, henan_policy\n"
        "from apps.policy.engine.evaluate import evaluate\n"
        "print(evaluate(realistic_facts(), henan_policy()).category)\n"
    )
    root = ENGINE.parents[2]
    done = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "home_quarantine"


def test_it_has_no_django_import_in_its_source():
    imports = re.compile(r"^\s*(import|from)\s+(django|apps\.(?!policy\.engine))", re.M)
    for path in ENGINE.rglob("*.py"):
        assert not imports.search(path.read_text(encoding="utf-8")), path
