# Iris tasks. Run them through ./dev, which sets up .venv first: `./dev test`, `./dev serve`.

bin := justfile_directory() / ".venv/bin"
export PYTHONPATH := justfile_directory()

# List the recipes.
default:
    @{{bin}}/just --list

# Make sure the virtualenv is ready (./dev already did it).
setup:
    @{{bin}}/python -c "import app, claude_agent_sdk, litestar; print('Iris', app.__version__, 'is set up')"

# Start the server on config.example.yaml, or --config PATH; --host, --port (0: a free one); --help.
[positional-arguments]
serve *args:
    exec {{bin}}/python -m app serve --config config.example.yaml "$@"

# The whole test suite: lint, type checks, import layers, generated-code drift, then pytest.
test *args: lint check-gen
    {{bin}}/python -m pytest {{args}}

# Only pytest, with any arguments.
pytest *args:
    {{bin}}/python -m pytest {{args}}

# ruff, mypy (strict on app/ and the Python client's hand-written streams), the import layers and the OpenAPI linter.
lint:
    {{bin}}/ruff check app tests bench scripts examples/api examples/mcp clients/python/iris_client/streams.py
    {{bin}}/ruff format --check app tests bench scripts examples/api examples/mcp clients/python/iris_client/streams.py
    {{bin}}/mypy
    {{bin}}/mypy --strict --follow-imports=silent clients/python/iris_client/streams.py
    {{bin}}/lint-imports --no-logo  # the contracts in pyproject.toml: app/'s layers, no import cycles
    {{bin}}/python scripts/lint_spec.py

# Regenerate code from openapi/iris.yaml (server models, both clients), then build the dashboard into app/api/dashboard/static.
gen:
    {{bin}}/python scripts/gen.py
    {{bin}}/python scripts/dashboard.py build

# Fail when regenerating from the spec (server models, both clients) or rebuilding the dashboard would change committed code.
check-gen:
    {{bin}}/python scripts/gen.py --check
    {{bin}}/python scripts/dashboard.py --check

# Run the dashboard's browser tests with their pictures of each page going to docs/screenshots/ (the README's).
screenshots:
    IRIS_SCREENSHOTS={{justfile_directory()}}/docs/screenshots {{bin}}/python -m pytest tests/dashboard -p no:cacheprovider -q

# Benchmarks: Iris over REST and MCP against driving the SDK directly (latency, CPU, wake, memory), in one run.
bench: bench-wire

# The wire benchmark: the same tells through the bare SDK, Iris's REST API and /mcp; wakes; RSS per session.
bench-wire tells="60" wakes="20" sessions="20":
    {{bin}}/python bench/wire.py --tells {{tells}} --wakes {{wakes}} --sessions {{sessions}}

# The engine in-process (no HTTP) against the SDK, and 8 teams x 20 tells concurrent vs sequential.
bench-engine tells="60" wakes="5":
    {{bin}}/python bench/engine.py --tells {{tells}} --wakes {{wakes}}

# MCP: send_message over /mcp vs a REST tell (p50 ratio), and alpha -> beta through Claude Code vs two REST tells.
bench-mcp tells="60" chains="10":
    {{bin}}/python bench/mcp_vs_rest.py --tells {{tells}} --chains {{chains}}

# The dashboard: the first page's gzipped JavaScript, and the fleet view applying a burst of events in chromium.
bench-dashboard teams="50" sessions="200" events="1000" rounds="2":
    {{bin}}/python bench/dashboard.py --teams {{teams}} --sessions {{sessions}} --events {{events}} --rounds {{rounds}}

# Soak: many clients, Claude Code processes killed at random, one server SIGKILL; prints lost, hung, orphans.
soak clients="50" seconds="120":
    {{bin}}/python bench/soak.py --clients {{clients}} --seconds {{seconds}}

# A local demo: the example config in a temporary IRIS_HOME, teams answered by a model stand-in; prints a key.
[positional-arguments]
demo *args:
    exec {{bin}}/python -m app demo "$@"

# A longer schemathesis run against the app in-process (every phase; more examples and stateful steps).
fuzz examples="150" steps="20" scenarios="40":
    IRIS_FUZZ_EXAMPLES={{examples}} IRIS_FUZZ_STEPS={{steps}} IRIS_FUZZ_SCENARIOS={{scenarios}} {{bin}}/python -m pytest tests/api/test_schemathesis.py -p no:cacheprovider
