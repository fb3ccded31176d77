# Iris tasks. Run them through ./dev, which sets up .venv first: `./dev test`, `./dev serve`.

bin := justfile_directory() / ".venv/bin"
export PYTHONPATH := justfile_directory()

# List the recipes.
default:
    @{{bin}}/just --list

# Make sure the virtualenv is ready (./dev already did it).
setup:
    @{{bin}}/python -c "import app, claude_agent_sdk, litestar; print('Iris', app.__version__, 'is set up')"

# Start the server on a config file (host and port from its api section).
serve config="config.example.yaml":
    {{bin}}/python -m app serve --config {{config}}

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

# Regenerate code from openapi/iris.yaml: app/api/models.py, clients/python/iris_client, clients/typescript/src/schema.ts.
gen:
    {{bin}}/python scripts/gen.py

# Fail when regenerating from the spec would change committed code (server models and both clients).
check-gen:
    {{bin}}/python scripts/gen.py --check

# Benchmarks: Iris against driving the SDK directly, in one run.
bench:
    {{bin}}/python bench/engine.py

# MCP: send_message over /mcp vs a REST tell (p50 ratio), and alpha -> beta through Claude Code vs two REST tells.
bench-mcp tells="60" chains="10":
    {{bin}}/python bench/mcp_vs_rest.py --tells {{tells}} --chains {{chains}}

# Soak: many clients, Claude Code processes killed at random, one server SIGKILL; prints lost, hung, orphans.
soak clients="50" seconds="120":
    {{bin}}/python bench/soak.py --clients {{clients}} --seconds {{seconds}}

# A local demo: the server on the example config, its teams answered by a local model stand-in.
demo:
    {{bin}}/python -m app demo

# A longer schemathesis run against the app in-process (every phase; more examples and stateful steps).
fuzz examples="150" steps="20" scenarios="40":
    IRIS_FUZZ_EXAMPLES={{examples}} IRIS_FUZZ_STEPS={{steps}} IRIS_FUZZ_SCENARIOS={{scenarios}} {{bin}}/python -m pytest tests/api/test_schemathesis.py -p no:cacheprovider
