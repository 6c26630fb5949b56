# The two commands: `make run` and `make test` (see README.md).
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 600
SIZE ?= SL

.PHONY: run test setup lint bench check load load-clerks backup messages

setup:
	@bash scripts/bootstrap.sh

# The print faces (faster PDFs, core.print_fonts) are built in the background on the first run: documents
# print from the full Noto faces until they are there, so the server does not wait minutes for them.
# The development server with a queue worker beside it (scripts/run_dev.sh): the nightly round runs by itself.
run: setup
	@mkdir -p var && (DEBUG=1 $(PY) manage.py build_print_fonts > var/build_print_fonts.log 2>&1 &)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py demo_data --members $(DEMO_MEMBERS)
	DEBUG=1 $(PY) manage.py run_scheduled
	HOST=$(HOST) PORT=$(PORT) bash scripts/run_dev.sh

test: setup
	@bash scripts/test.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

bench: setup
	-DEBUG=1 $(PY) manage.py build_print_fonts
	$(PY) bench/run.py --size $(SIZE)

# Bounded load run against gunicorn on 127.0.0.1 (see README, Production): zero 5xx or it fails.
# LOAD_CLERKS=1 (or `make load-clerks`) runs the logged-in clerk mix instead of the anonymous one.
LOAD_ARGS = --requests $(or $(LOAD_REQUESTS),300) --threads $(or $(LOAD_THREADS),4) \
	--time-limit $(or $(LOAD_TIME_LIMIT),60)
LOAD_LOGIN = $(if $(LOAD_USERNAME),--username $(LOAD_USERNAME)) $(if $(LOAD_PASSWORD),--password $(LOAD_PASSWORD))

load: setup
	@bash scripts/load.sh $(LOAD_ARGS) $(if $(filter 1,$(LOAD_CLERKS)),--clerks $(LOAD_LOGIN))

load-clerks: setup
	@bash scripts/load.sh $(LOAD_ARGS) --clerks $(LOAD_LOGIN)

# A consistent pg_dump (custom format) of DATABASE_URL into var/backups/.
backup:
	@bash scripts/backup.sh

# Compile the project's translations (locale/zh_Hans/LC_MESSAGES/django.po → django.mo, committed; needs msgfmt
# from the gettext package). tests/core/test_admin_language.py fails when the committed .mo is stale.
messages:
	msgfmt --check-format -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po
