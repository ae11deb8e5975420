"""Settings: every option from NEWSDESK_*, checked at start-up with a clear error."""

from __future__ import annotations

import pytest

from newsdesk import config


def test_defaults_work_without_any_environment():
    values = config.load({})
    assert values["PORT"] == 8000
    assert values["DATABASE_URL"] == "" and values["REDIS_URL"] == ""
    assert values["DATA_DIR"].is_absolute()


def test_each_bad_value_is_named_in_one_error():
    with pytest.raises(config.ConfigError) as error:
        config.load({"NEWSDESK_PORT": "eighty", "NEWSDESK_DATABASE_URL": "mysql://x/y", "NEWSDESK_DEBUG": "maybe"})
    message = str(error.value)
    assert "NEWSDESK_PORT='eighty': expected a whole number" in message
    assert "NEWSDESK_DATABASE_URL" in message and "postgres://" in message
    assert "NEWSDESK_DEBUG" in message


def test_a_misspelt_variable_is_refused_rather_than_ignored():
    with pytest.raises(config.ConfigError, match="NEWSDESK_PROT: not a Newsdesk setting"):
        config.load({"NEWSDESK_PROT": "9000"})


def test_settings_command_prints_every_setting_with_its_help(newsdesk):
    output = newsdesk("settings").output
    for setting in config.SETTINGS:
        assert f"NEWSDESK_{setting.name}=" in output
        assert setting.help in output


def test_commands_fail_with_the_config_error_not_a_traceback(newsdesk, monkeypatch):
    monkeypatch.setenv("NEWSDESK_PORT", "99999")
    result = newsdesk("add", "http://example.org/feed.xml", ok=False)
    assert result.exit_code == 1
    assert "NEWSDESK_PORT='99999': expected a port between 1 and 65535" in result.output
