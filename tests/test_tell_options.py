"""A tell's own options (model, maxTurns, maxBudgetUsd, appendSystemPrompt, outputSchema), against the real Claude
Code binary and the model stand-in."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from app.engine import Engine
from app.engine.messages import Result
from app.engine.tells import Tell, TellOptions, TellStatus
from app.errors import ValidationError
from app.standin import ModelStandIn, caller_text

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"answer": {"type": "integer"}, "why": {"type": "string"}},
    "required": ["answer"],
}


def requests_for(standin: ModelStandIn, text: str) -> list[dict[str, Any]]:
    """The model API requests whose caller text is `text`."""
    return [body for body in list(standin.requests) if caller_text(body) == text]


def history(response: str | None) -> int:
    """The number of messages the stand-in saw, from its `echo[n=N]` reply."""
    match = re.match(r"echo\[n=(\d+)\]", response or "")
    assert match, f"not an echo reply: {response!r}"
    return int(match.group(1))


def system_text(body: dict[str, Any]) -> str:
    """The system prompt of a model API request, as one text."""
    system = body.get("system")
    if isinstance(system, list):
        return "\n".join(block.get("text", "") for block in system if isinstance(block, dict))
    return str(system or "")


async def test_model_reaches_the_model_api_and_the_next_tell_goes_back(engine: Engine, standin: ModelStandIn) -> None:
    first = await engine.tell("alpha", "#model plain")
    default = (first.response or "").removeprefix("model: ")
    assert default and default != "claude-sonnet-4-5"
    pid = (await engine.team_status(team="alpha"))[0].pid

    chosen = await engine.tell("alpha", "#model chosen", options=TellOptions(model="claude-sonnet-4-5"))
    assert chosen.status == "completed" and chosen.response == "model: claude-sonnet-4-5"
    assert [body["model"] for body in requests_for(standin, "#model chosen")] == ["claude-sonnet-4-5"]
    assert chosen.restarted_for == ()  # the model switches in the running process
    assert (await engine.team_status(team="alpha"))[0].pid == pid

    after = await engine.tell("alpha", "#model after")
    assert after.response == f"model: {default}"
    assert [body["model"] for body in requests_for(standin, "#model after")] == [default]


async def test_max_turns_ends_a_longer_tell_failed(engine: Engine) -> None:
    free = await engine.tell("alpha", "#bash:echo unlimited")
    assert free.status == "completed" and free.response == "tool said: unlimited"
    limited = await engine.tell("alpha", "#bash:echo limited", options=TellOptions(max_turns=1))
    assert limited.status == "failed"
    assert limited.restarted_for == ("maxTurns",)
    assert limited.reason == "Claude Code stopped at its turn limit, maxTurns (1), after 2 turns"


async def test_max_budget_usd_stops_the_tell(engine: Engine) -> None:
    within = await engine.tell("alpha", "#cost:0.2 within", options=TellOptions(max_budget_usd=1.0))
    assert within.status == "completed"
    over = await engine.tell("alpha", "#cost:0.5 over", options=TellOptions(max_budget_usd=0.25))
    assert over.status == "failed"
    assert over.failure is not None and over.failure.kind == "budget_exceeded"
    assert over.reason == "budget_exceeded: Claude Code stopped: the tell's maxBudgetUsd ($0.25) was reached"
    assert over.restarted_for == ("maxBudgetUsd",)


async def test_output_schema_valid_answer_is_parsed(engine: Engine) -> None:
    told = await engine.tell("alpha", '#json:{"answer": 42, "why": "it is"}', options=TellOptions(output_schema=SCHEMA))
    assert told.status == "completed", told.reason
    assert told.output == {"answer": 42, "why": "it is"}
    await engine.recorded()
    record = await engine.store.get_tell(told.request_id)
    assert record is not None and record.output == {"answer": 42, "why": "it is"}
    assert record.options == {"outputSchema": SCHEMA}


async def test_output_schema_invalid_answer_fails_the_tell(engine: Engine) -> None:
    told = await engine.tell("alpha", '#json:{"answer": "many"}', options=TellOptions(output_schema=SCHEMA))
    assert told.status == "failed"
    assert told.failure is not None and told.failure.kind == "output_invalid"
    assert told.output is None
    # a text answer that is JSON but not valid against the schema names what is wrong
    plain = await engine.tell("beta", '#json:{"why": 1}', options=TellOptions(model="x", output_schema=SCHEMA))
    assert plain.status == "failed"
    assert plain.failure is not None and plain.failure.kind == "output_invalid"


async def test_start_only_options_restart_the_process_with_resume(engine: Engine, standin: ModelStandIn) -> None:
    first = await engine.tell("alpha", "before")
    pid = (await engine.team_status(team="alpha"))[0].pid
    briefed = await engine.tell("alpha", "briefed", options=TellOptions(append_system_prompt="Answer in haiku."))
    assert briefed.status == "completed"
    assert briefed.restarted_for == ("appendSystemPrompt",)
    restarted_pid = (await engine.team_status(team="alpha"))[0].pid
    assert restarted_pid is not None and restarted_pid != pid
    assert history(briefed.response) == history(first.response) + 2  # the conversation went on (--resume)
    (request,) = requests_for(standin, "briefed")
    assert "Answer in haiku." in system_text(request)

    again = await engine.tell("alpha", "briefed again", options=TellOptions(append_system_prompt="Answer in haiku."))
    assert again.restarted_for == ()
    assert (await engine.team_status(team="alpha"))[0].pid == restarted_pid

    plain = await engine.tell("alpha", "plain again")
    assert plain.restarted_for == ("appendSystemPrompt",)  # back to the team's own prompt
    (request,) = requests_for(standin, "plain again")
    assert "Answer in haiku." not in system_text(request)
    assert history(plain.response) == history(again.response) + 2


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (TellOptions(model="bad model"), "model"),
        (TellOptions(max_turns=0), "maxTurns"),
        (TellOptions(max_budget_usd=-1.0), "maxBudgetUsd"),
        (TellOptions(max_budget_usd=float("nan")), "maxBudgetUsd"),
        (TellOptions(append_system_prompt=""), "appendSystemPrompt"),
        (TellOptions(output_schema={"type": "array"}), "outputSchema"),
        (TellOptions(output_schema={"type": "object", "properties": {"a": {"type": 5}}}), "outputSchema"),
    ],
)
async def test_bad_options_name_the_field(engine: Engine, options: TellOptions, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        await engine.tell("alpha", "never sent", options=options)
    assert refused.value.details == {"field": field}


def test_a_text_answer_is_read_as_json_and_checked_against_the_schema() -> None:
    """Without structured output from Claude Code, the final text is the answer: JSON (fenced or not), checked."""

    def ended(text: str) -> Tell:
        tell = Tell(uuid.uuid4(), "external", "alpha", "m", options=TellOptions(output_schema=SCHEMA))
        tell.finish_from_result(Result(text, False, "success", "", 0.0, None, 1))
        return tell

    fenced = ended('```json\n{"answer": 3}\n```')
    assert fenced.status is TellStatus.COMPLETED and fenced.output == {"answer": 3}
    wrong = ended('{"answer": "three"}')
    assert wrong.status is TellStatus.FAILED and wrong.output is None
    assert wrong.reason == (
        "output_invalid: the final answer is not valid against outputSchema: 'three' is not of type 'integer' "
        "(at /answer)"
    )
    missing = ended('{"why": "no answer"}')
    assert missing.reason == (
        "output_invalid: the final answer is not valid against outputSchema: 'answer' is a required property"
    )
    assert ended("not json").reason == (
        "output_invalid: no structured output valid against outputSchema came from Claude Code, nor a JSON answer"
    )
