import pytest


@pytest.fixture(autouse=True)
def roster_files(settings, tmp_path):
    """Stored uploads, exports and progress of each test in a directory of its own."""
    settings.ROSTER_FILES_DIR = tmp_path / "rosters"
    return settings.ROSTER_FILES_DIR


@pytest.fixture
def small_chunks(monkeypatch):
    """Forked child, several COPY statements and child chunks, even for a few rows."""
    from apps.rosters.services import checker, planning, streamed

    monkeypatch.setattr(planning, "PARALLEL_ROWS", 10)
    monkeypatch.setattr(streamed, "STREAM_BLOCK", 3)
    monkeypatch.setattr(streamed, "STREAM_CHUNK", 4)
    monkeypatch.setattr(checker, "CHILD_CHUNK", 5)
