# SGO portal: `make demo` runs the portal with a demo city; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/sgo_portal
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test venv lint test-sqlite test-postgres test-browser test-dates check-deploy messages \
	clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	@touch $@

venv: $(VENV)/.installed

# One command for a new user: set up, migrate, build the demo city, serve it.
# Without DEBUG (portal.settings.demo): the portal's own error pages, as users see them.
demo: export DJANGO_SETTINGS_MODULE := portal.settings.demo
demo: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo --size small --seed 1 --if-empty
	$(MANAGE) vapid_keys --file --if-missing
	@echo "SGO portal: http://127.0.0.1:8000  (all demo passwords: sgo-demo-2026)"
	@echo "The task worker runs beside the server (e-mails print here); Ctrl-C stops both."
	PY=$(PY) scripts/demo-serve

lint: venv
	$(PY) -m ruff check .
	$(MANAGE) makemigrations --check --dry-run

test-sqlite: venv
	$(PY) -m pytest -m "not browser"

test-postgres: venv
	scripts/ensure-postgres
	DATABASE_URL=$(PG_URL) REDIS_URL=$$(scripts/redis-url) $(PY) -m pytest -m "not browser"

test-browser: venv
	scripts/ensure-chromium
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m browser

# The suite runs on a pinned day (tests/conftest.py, SGO_TEST_TODAY). The journal and the
# diary run again, on SQLite, on the days where calendars break: the last day of a
# quarter, the first of the next, 1 June (the summer: the demo city is next year's) and
# 1 September of a later year. Two days at a time, one per core.
TEST_DATES ?= 2027-11-04 2027-11-05 2028-06-01 2028-09-01
DATE_TESTS ?= tests/journal/test_diary.py tests/journal/test_grid.py \
	tests/journal/test_grid_saves.py tests/journal/test_cells.py \
	tests/journal/test_overview.py tests/journal/test_class_attendance.py
test-dates: venv
	@printf '%s\n' $(TEST_DATES) | xargs -P 2 -I{} sh -c '\
		log=$${TMPDIR:-/tmp}/sgo-test-dates-{}.log; \
		env -u DATABASE_URL SGO_TEST_TODAY={} $(PY) -m pytest -q -m "not browser" \
			$(DATE_TESTS) >$$log 2>&1; status=$$?; \
		echo "the journal and the diary on {}: $$(tail -n 1 $$log)"; \
		[ $$status -eq 0 ] || { cat $$log; exit 1; }'

check-deploy: venv
	DJANGO_SETTINGS_MODULE=portal.settings.production \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=sgo.example.ru $(MANAGE) check --deploy --fail-level WARNING

# One command for the whole suite, as CI runs it.
# SQLite and PostgreSQL at once (one core each), then the browser, the moved dates and
# the deploy check at once: the suite's wall time is about half of running them in turn.
test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres
	$(MAKE) --no-print-directory -j2 --output-sync=target check-deploy test-browser test-dates

messages: venv
	$(MANAGE) makemessages -l ru -l en --add-location=file --ignore=.venv --ignore=static
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 static
