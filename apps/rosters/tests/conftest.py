import pytest


@pytest.fixture(autouse=True)
def roster_files(settings, tmp_path):
    """Stored uploads, exports and progress of each test in a directory of its own."""
    settings.ROSTER_FILES_DIR = tmp_path / "rosters"
    return settings.ROSTER_FILES_DIR
