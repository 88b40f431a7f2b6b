# Sankangaku: the README's commands, mirrored. `make run` and `make test` are the two that matter.
#
# Only `install` uses a system Python (to create .venv); everything else runs
# .venv/bin/python, so no activated virtualenv is needed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The interpreter that creates .venv (choose another with `make install PYTHON=...`). By
# default the distribution's /usr/bin/python3 when it is 3.11 or newer: Debian builds it with
# profile-guided and link-time optimisation (its changelog), like the Docker image's
# python:3.11-slim; pyenv's default build has neither, and cost ≈ 8 % more CPU a request
# under load (measured: tests/benchmarks/README.md). Otherwise python3 from PATH.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo /usr/bin/python3 || echo python3)
# Every package, with its version and hashes, comes from the lock file (regenerate with
# `make lock` after changing pyproject.toml). Re-installs only when either file is newer than
# the last successful install.
LOCK := requirements.lock
STAMP := $(VENV)/.installed

# `make test` defaults: PostgreSQL and Redis on 127.0.0.1 (override from the environment).
TEST_DATABASE_URL := postgres://postgres@127.0.0.1:5432/sankangaku
TEST_REDIS_URL := redis://127.0.0.1:6379/1
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-x tests/partners -k logo"`.
PYTEST_ARGS ?=

.PHONY: help install lock setup run test lint format messages worker beat evaluate expire clean distclean

help:
	@echo "make run       install, migrate SQLite, load reference + demo data, serve http://127.0.0.1:\$${PORT:-8000}"
	@echo "make test      the whole suite on PostgreSQL + Redis (127.0.0.1); extra args via PYTEST_ARGS=..."
	@echo "make install   create .venv and install the project and its dev extras from requirements.lock"
	@echo "make lock      regenerate requirements.lock (pinned, with hashes) from pyproject.toml"
	@echo "make setup     install + migrate + load_reference_data + seed_demo (no server)"
	@echo "make lint      ruff check + ruff format --check"
	@echo "make format    ruff format + ruff check --fix"
	@echo "make messages  regenerate and compile translations (needs gettext)"
	@echo "make worker    Celery worker (needs REDIS_URL)"
	@echo "make beat      Celery beat (needs REDIS_URL)"
	@echo "make clean     remove caches and build output; distclean also removes .venv, db.sqlite3, media/"

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
		echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install python3-venv first." >&2; \
		exit 1; }
	@echo "$(VENV): Python $$($(PY) -c 'import sys; print(sys.version.split()[0], "from", sys.base_prefix)')"
	@echo "Installing Sankangaku and its dependencies into $(VENV) (the first time takes a while)"
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	@# The project itself, without resolving anything more: a dependency missing from the lock
	@# makes `pip check` fail here rather than being fetched unpinned.
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	@touch $(STAMP)

# Needs the package index. pip-tools is a dev dependency, so it is itself in the lock.
# requirements-runtime.lock (the Docker image: no dev extras) is constrained to the same
# versions as requirements.lock, so the image runs exactly what the tests ran.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
lock: install
	$(PY) -m piptools compile $(LOCK_FLAGS) --extra dev --output-file $(LOCK) pyproject.toml
	$(PY) -m piptools compile $(LOCK_FLAGS) --constraint $(LOCK) \
		--output-file requirements-runtime.lock pyproject.toml

# The embedded default: SQLite, eager Celery tasks, console email. No DATABASE_URL/REDIS_URL
# needed; every step is idempotent, so `make setup` (and `make run`) can be repeated.
# SITE_URL (links in emails, the demo logins printed) follows PORT unless it is set.
export SITE_URL ?= http://127.0.0.1:$(or $(PORT),8000)

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo

run: setup
	@echo
	@echo "Sankangaku: http://127.0.0.1:$${PORT:-8000}/  (Ctrl-C to stop)"
	@echo
	DEBUG=1 $(PY) manage.py runserver "127.0.0.1:$${PORT:-8000}"

# pytest's exit code is make's: 5 ("no tests collected") fails too.
test: install
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" \
	REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Needs GNU gettext (apt-get install gettext). Commit both the .po and the compiled .mo files,
# so that `make run` works on machines without gettext.
messages: install
	$(PY) manage.py makemessages -l ja -l en --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

# Celery needs a broker: without REDIS_URL tasks run eagerly inside the web process instead.
# The check goes through settings, so a REDIS_URL in .env counts too.
define require_redis
	@$(PY) -c 'import os, django; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sankangaku.settings"); django.setup(); from django.conf import settings; raise SystemExit(0 if settings.REDIS_URL else "error: REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379/0); without it tasks run eagerly in the web process and no worker or beat is needed.")'
endef

worker: install
	$(require_redis)
	$(VENV)/bin/celery -A sankangaku worker -l info -Q default,matching,notifications

beat: install
	$(require_redis)
	$(VENV)/bin/celery -A sankangaku beat -l info

evaluate: install
	$(PY) manage.py evaluate_matching tests/matching/data/cases.jsonl --distractors tests/matching/data/distractors.jsonl

expire: install
	$(PY) manage.py expire_postings

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis staticfiles build *.egg-info test-results

distclean: clean
	rm -rf $(VENV) db.sqlite3 media private_media
