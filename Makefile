# Sportello: `make run` sets everything up and starts it; `make test` runs every test.
# Each step leaves a stamp, so a second run skips what is already done.

SHELL := /bin/bash
.DEFAULT_GOAL := run

# Python 3.11 for the web, 3.10 for Rasa 3.6 (pyenv installs are found too).
find_python = $(firstword $(foreach p,python$(1) $(wildcard $(HOME)/.pyenv/versions/$(1)*/bin/python$(1)) $(wildcard /usr/local/bin/python$(1) /usr/bin/python$(1)),$(shell $(p) -c 'import sys; print(sys.executable)' 2>/dev/null)))
PY311 ?= $(call find_python,3.11)
PY310 ?= $(call find_python,3.10)

WEB_VENV := .venvs/web
BOT_VENV := .venvs/bot
WEB_PY := $(WEB_VENV)/bin/python
WEB_STAMP := $(WEB_VENV)/.installed
BOT_STAMP := $(BOT_VENV)/.installed
MODEL := bot/models/sportello.tar.gz
BOT_SOURCES := bot/config.yml $(shell find bot/domain.yml bot/domain bot/data -name '*.yml' 2>/dev/null) \
	$(wildcard bot/components/*.py)

# Ports and tokens of the embedded default; override from the environment.
export WEB_PORT ?= 8000
export RASA_PORT ?= 5005
export ACTIONS_PORT ?= 5055
export MAIL_GATEWAY_PORT ?= 2525
export RASA_URL ?= http://127.0.0.1:$(RASA_PORT)
export ACTIONS_URL ?= http://127.0.0.1:$(ACTIONS_PORT)
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(WEB_PORT)
export RASA_TOKEN ?= dev-rasa-token
export ACTIONS_API_TOKEN ?= dev-actions-token

.PHONY: run setup venvs model db test lint clean browser bot-quality conversation-quality bench

run: setup
	@echo ""
	@echo "Sportello is starting (Ctrl-C stops everything):"
	@echo "  demo shop     $(PUBLIC_BASE_URL)/demo/   (as Mario: $(PUBLIC_BASE_URL)/demo/?as=mario)"
	@echo "  console       $(PUBLIC_BASE_URL)/console/"
	@echo "  KB editor     $(PUBLIC_BASE_URL)/kb/"
	@echo "  health        $(PUBLIC_BASE_URL)/healthz"
	@echo "  admin         $(PUBLIC_BASE_URL)/admin/"
	@echo "  bot (Rasa)    $(RASA_URL)  (loopback, token)"
	@echo "  actions       $(ACTIONS_URL)  (loopback)"
	@echo "  mail gateway  smtp://127.0.0.1:$(MAIL_GATEWAY_PORT)"
	@echo "Demo logins (password demo1234): laura (operator, Assistenza Commerciale),"
	@echo "  marco (Competence Center), giulia (KB author), anna (supervisor), admin"
	@echo ""
	exec $(WEB_VENV)/bin/honcho start -f Procfile

setup: venvs model db

venvs: $(WEB_STAMP) $(BOT_STAMP)

$(WEB_STAMP): requirements/web.lock
	@test -n "$(PY311)" || { echo "Python 3.11 not found (set PY311=/path/to/python3.11)"; exit 1; }
	rm -rf $(WEB_VENV)
	$(PY311) -m venv $(WEB_VENV)
	$(WEB_VENV)/bin/pip install -q --upgrade pip
	$(WEB_VENV)/bin/pip install -q -r requirements/web.lock
	$(WEB_VENV)/bin/pip check
	touch $@

$(BOT_STAMP): requirements/bot.lock
	@test -n "$(PY310)" || { echo "Python 3.10 not found (set PY310=/path/to/python3.10)"; exit 1; }
	rm -rf $(BOT_VENV)
	$(PY310) -m venv $(BOT_VENV)
	$(BOT_VENV)/bin/pip install -q --upgrade pip
	$(BOT_VENV)/bin/pip install -q -r requirements/bot.lock
	touch $@

model: $(MODEL)

# Retrained only when the bot's data, domain or config changed.
$(MODEL): $(BOT_STAMP) $(BOT_SOURCES)
	cd bot && ../$(BOT_VENV)/bin/rasa train --data data --config config.yml --domain domain.yml \
		--out models --fixed-model-name sportello --quiet
	touch $@

db: $(WEB_STAMP)
	$(WEB_PY) manage.py migrate --noinput -v0
	$(WEB_PY) manage.py load_demo

test: venvs model browser
	$(WEB_PY) -m pytest $(PYTEST_ARGS)
	cd bot && ../$(BOT_VENV)/bin/python -m pytest -q
	cd bot && ../$(BOT_VENV)/bin/rasa test core --stories tests/test_stories.yml \
		--model models/sportello.tar.gz --out ../var/bot-test-results --fail-on-prediction-errors
	# NLU on the held-out examples: fails below macro F1 0.90 (docs/bot-quality.md is the
	# committed report; `make bot-quality` rewrites it).
	cd bot && ../$(BOT_VENV)/bin/python evaluate_nlu.py models/sportello.tar.gz \
		--report ../var/bot-quality.md

# Timings are benchmarks, not tests: bench/results.json and docs/performance.md.
bench: venvs
	$(WEB_PY) bench/run.py

bot-quality: venvs model
	cd bot && ../$(BOT_VENV)/bin/python evaluate_nlu.py models/sportello.tar.gz

# The dialogue suite (tests/dialogues) on the real stack: rewrites the committed report
# docs/conversation-quality.md (`make test` writes it to var/); fails below 90 %.
conversation-quality: venvs model
	CONVERSATION_QUALITY_REPORT=docs/conversation-quality.md \
		$(WEB_PY) -m pytest tests/dialogues/test_dialogues.py -q -p no:cacheprovider $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "Debian's chromium is needed for the browser tests: sudo apt-get install chromium"; exit 1; \
		fi; }

lint: venvs
	$(WEB_VENV)/bin/ruff check .
	$(WEB_VENV)/bin/ruff format --check .
	cd bot && ../$(BOT_VENV)/bin/rasa data validate --data data --config config.yml --domain domain.yml

clean:
	rm -rf .venvs var bot/models bot/.rasa
