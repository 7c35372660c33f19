# Forumpost: `make run` starts everything on embedded defaults; `make test` runs the tests.
# Both work on a fresh Debian machine as root: they install what they need.

VENV    := .venv
PY      := $(VENV)/bin/python
FLASK   := $(PY) -m flask --app wsgi
APT     := DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends
MO      := translations/da/LC_MESSAGES/messages.mo

.PHONY: run test install install-test system-deps paper-deps lint bench translations clean

run: install paper-deps
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(PY) -m app.run

test: install-test system-deps paper-deps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

# What the app needs to run; the test extras only for `make test`, never in production.
install: $(VENV)/.installed $(MO)

install-test: install $(VENV)/.installed-test

$(VENV)/.installed: setup.cfg pyproject.toml
	@python3 -c 'import ensurepip, venv' 2>/dev/null || { apt-get update -q && $(APT) python3-venv python3-pip; }
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

$(MO): translations/da/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d translations

# Real servers the integration tests start on loopback, the browser for UI tests, and Node
# for reading our calendars with ical.js (tests/js), pg_dump for the backup tests.
system-deps:
	@missing=""; \
	command -v dovecot >/dev/null 2>&1 || test -x /usr/sbin/dovecot || missing="$$missing dovecot-imapd"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v pg_dump >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then apt-get update -q && $(APT) $$missing; fi

# WeasyPrint draws the agenda and minutes PDFs with Pango (and subsets fonts with HarfBuzz);
# DejaVu has every Danish letter. Both `make run` and `make test` need them.
PAPER_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

paper-deps:
	@missing=""; \
	for deb in $(PAPER_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$deb 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$deb"; \
	done; \
	if [ -n "$$missing" ]; then apt-get update -q && $(APT) $$missing; fi

lint: install-test
	$(VENV)/bin/ruff check .

# The benches (bench/watch_app.py is a helper of mailboxes.py); inbound and mailboxes
# read a real Dovecot.
BENCHES = bench/send.py bench/inbound.py bench/web.py bench/mailboxes.py

bench: install-test system-deps
	@for b in $(BENCHES); do echo "== $$b"; $(PY) $$b || exit 1; done

translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations
	$(VENV)/bin/pybabel compile -d translations

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
