# Shortcuts for the two README commands (which need nothing but python3).
.PHONY: run test
run:
	python3 -m luutru.stack run
test:
	python3 -m luutru.stack test
