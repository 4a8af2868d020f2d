# Installs restrack like any other tool:
#
#   swift build -c release
#   make install PREFIX=/usr/local        # with sudo when not root: run `make` first
#
# `make` (as yourself) builds the binary and generates, next to it, the man
# page and the bash/zsh/fish completions from the built binary's argument
# parser; `make install` copies them (and the themes) under
# $(DESTDIR)$(PREFIX), generating whatever is missing. `make uninstall`
# removes exactly what `install` put there.
#
# CONFIG=debug BUILD_DIR=DIR install another build (the install test uses the
# debug build `swift test` made). DESTDIR stages into a package root.

PREFIX  ?= /usr/local
DESTDIR ?=
CONFIG  ?= release
SWIFT   ?= swift

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
# SwiftPM keeps .build/<config> pointing at the triple's directory, so this
# needs no `swift` on PATH (sudo's secure_path often lacks it).
BUILD_DIR ?= $(ROOT)/.build/$(CONFIG)

BIN     := $(BUILD_DIR)/restrack
STAGE   := $(BUILD_DIR)/restrack-share
THEMES  := $(wildcard $(ROOT)/themes/*.theme)
STAGED  := $(STAGE)/restrack.1 $(STAGE)/restrack.bash $(STAGE)/_restrack $(STAGE)/restrack.fish

BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share
THEMEDIR = $(DATADIR)/restrack/themes
MANDIR   = $(DATADIR)/man/man1
BASHDIR  = $(DATADIR)/bash-completion/completions
ZSHDIR   = $(DATADIR)/zsh/site-functions
FISHDIR  = $(DATADIR)/fish/vendor_completions.d

.PHONY: all build staged install uninstall clean-staged

all: build
	@$(MAKE) --no-print-directory -f $(ROOT)/Makefile staged

build:
	cd $(ROOT) && $(SWIFT) build -c $(CONFIG) --product restrack

staged: $(STAGED)

$(BIN):
	@echo "make: $(BIN) is not built: run 'swift build -c $(CONFIG)' (or 'make') first" >&2; exit 2

# The man page comes from swift-argument-parser's generate-manual tool (what
# `swift package plugin generate-manual` runs, but the plugin first rebuilds
# every product in its own configuration). The tool is built in its own
# scratch directory: SwiftPM holds .build's lock for a whole `swift test`,
# so building it in .build from the install test would wait forever. The
# version goes into the page's footer (.Os).
TOOLS := $(ROOT)/.build/tools
GENERATE_MANUAL := $(TOOLS)/debug/generate-manual

$(GENERATE_MANUAL):
	cd $(ROOT) && $(SWIFT) build --scratch-path $(TOOLS) --product generate-manual

$(STAGE)/restrack.1: $(BIN) | $(GENERATE_MANUAL)
	@mkdir -p $(STAGE)/man
	$(GENERATE_MANUAL) $(BIN) --output-directory $(STAGE)/man
	version=$$($(BIN) --version) && test -n "$$version" && \
		sed "s/^\.Os$$/.Os restrack $$version/" $(STAGE)/man/restrack.1 > $@.tmp
	grep -q '^\.Os restrack ' $@.tmp
	mv $@.tmp $@

$(STAGE)/restrack.bash: $(BIN)
	@mkdir -p $(STAGE)
	$(BIN) --generate-completion-script bash > $@.tmp && mv $@.tmp $@

$(STAGE)/_restrack: $(BIN)
	@mkdir -p $(STAGE)
	$(BIN) --generate-completion-script zsh > $@.tmp && mv $@.tmp $@

$(STAGE)/restrack.fish: $(BIN)
	@mkdir -p $(STAGE)
	$(BIN) --generate-completion-script fish > $@.tmp && mv $@.tmp $@

install: $(BIN) $(STAGED)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(THEMEDIR) $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/restrack
	install -m 0644 $(THEMES) $(DESTDIR)$(THEMEDIR)/
	install -m 0644 $(STAGE)/restrack.1 $(DESTDIR)$(MANDIR)/restrack.1
	install -m 0644 $(STAGE)/restrack.bash $(DESTDIR)$(BASHDIR)/restrack
	install -m 0644 $(STAGE)/_restrack $(DESTDIR)$(ZSHDIR)/_restrack
	install -m 0644 $(STAGE)/restrack.fish $(DESTDIR)$(FISHDIR)/restrack.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/restrack $(DESTDIR)$(MANDIR)/restrack.1 \
		$(DESTDIR)$(BASHDIR)/restrack $(DESTDIR)$(ZSHDIR)/_restrack $(DESTDIR)$(FISHDIR)/restrack.fish \
		$(addprefix $(DESTDIR)$(THEMEDIR)/,$(notdir $(THEMES)))
	# Themes an operator added keep their directory.
	rmdir $(DESTDIR)$(THEMEDIR) $(DESTDIR)$(DATADIR)/restrack 2>/dev/null || true

clean-staged:
	rm -rf $(STAGE)
