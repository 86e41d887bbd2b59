"""Every action a person signs over HTTP has its client command, with help."""

from __future__ import annotations

from click.testing import CliRunner

from api.cli import main
from api.http.writes import NOT_OVER_HTTP
from domain.model.actions import ACTIONS


def test_every_action_has_a_client_command_with_help() -> None:
    runner = CliRunner()
    for name in sorted(set(ACTIONS) - NOT_OVER_HTTP):
        group, verb = name.split(".", 1)
        result = runner.invoke(main, ["client", group, verb.replace("_", "-"), "--help"])
        assert result.exit_code == 0, (name, result.output)
        summary = (ACTIONS[name].command.__doc__ or "").split()[0]
        assert "Usage:" in result.output and summary in result.output, name
