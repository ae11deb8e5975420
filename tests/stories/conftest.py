import pytest

from newsdesk.stories.assign import drop_window


@pytest.fixture(autouse=True)
def _fresh_window():
    """Each test starts from the database alone, as a new worker process would."""
    drop_window()
    yield
    drop_window()
