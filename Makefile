# Shortcuts for the two README commands (which need nothing but python3).
.PHONY: run test load-data load faults
run:
	python3 -m luutru.stack run
test:
	python3 -m luutru.stack test

# The load test (bench/load/, see the README), against DATABASE_URL (and REDIS_URL):
#   make load-data [LOAD_ROWS=10000000]
#   make load [LOAD_MODE=ramp|hold] [LOAD_ARGS="--minutes 10 --rate 150"]
LOAD_ROWS ?= 10000000
LOAD_MODE ?= ramp
load-data:
	@test -n "$(DATABASE_URL)" || (echo "DATABASE_URL must be set" && exit 1)
	.venv/bin/pip install -q -e '.[load]'
	DEBUG=1 .venv/bin/python manage.py migrate -v0
	DEBUG=1 .venv/bin/python bench/load/generate.py $(LOAD_ROWS)
load:
	@test -n "$(DATABASE_URL)" || (echo "DATABASE_URL must be set" && exit 1)
	.venv/bin/pip install -q -e '.[load]'
	.venv/bin/python bench/load/run.py $(LOAD_MODE) $(LOAD_ARGS)

# Fault runs (faults/, see the README): a private stack broken three ways. Not part of `test`.
#   make faults [FAULTS="redis worker postgres"]
faults:
	@test -x .venv/bin/python || (echo "no .venv: run make test or make run once" && exit 1)
	.venv/bin/python -m faults $(FAULTS)
