"""Configuration comes from defaults, then the environment, then the caller."""

from server import settings


def test_environment_overrides_defaults_with_types():
    found = settings.from_environment(
        {
            "DATABASE_URL": "postgresql+psycopg://db/vigil",
            "VIGIL_TOKEN_TTL_HOURS": "8",
            "VIGIL_LOG_LEVEL": "DEBUG",
            "UNRELATED": "x",
        }
    )
    assert found == {
        "DATABASE_URL": "postgresql+psycopg://db/vigil",
        "TOKEN_TTL_HOURS": 8,
        "LOG_LEVEL": "DEBUG",
    }


def test_default_database_is_the_sqlite_file_under_instance():
    assert settings.defaults()["DATABASE_URL"] == f"sqlite:///{settings.INSTANCE / 'vigil.db'}"


def test_caller_overrides_win(monkeypatch):
    monkeypatch.setenv("VIGIL_TOKEN_TTL_HOURS", "8")
    assert settings.load({"TOKEN_TTL_HOURS": 2})["TOKEN_TTL_HOURS"] == 2


def test_the_installation_secret_is_made_once_and_private(tmp_path):
    first = settings.instance_secret(tmp_path)
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert settings.instance_secret(tmp_path) == first
