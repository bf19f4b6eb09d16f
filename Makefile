# portcullis - build, test, run.
#
#   make            build/portcullis (agent + BPF objects + skeletons)
#   make deps       install what building and running need (apt-get; quiet
#                   and offline when everything is already there)
#   make deps-test  and what the tests need (make test runs it)
#   make run        deps, build, then the daemon in the foreground in AUDIT
#                   mode on the default-route interface (drops nothing)
#   make test       every test: unit (cmocka), BPF (BPF_PROG_TEST_RUN),
#                   integration (network namespaces), package (install,
#                   .deb/.rpm, unit, man pages); needs root
#   make test-san   the unit and BPF tests built with ASan + UBSan
#   make test-kernels  every test in Debian's 6.1 and 6.12 kernels under qemu
#   make test-headers  every header of agent/ and include/ compiles on its own
#                   (part of test and test-unit)
#   make install    the binary, shipped policies, example config, unit, docs
#                   (PREFIX=/usr/local, DESTDIR, sbindir, datadir, sysconfdir,
#                   mandir, unitdir, bashcompdir); make uninstall
#   make deb, rpm   build/deb/portcullis_*.deb, build/rpm/portcullis-*.rpm
#   make fuzz       the parser fuzzer (libFuzzer), FUZZ_SECONDS=60
#   make bench      datapath benchmark; bench-compile: compiler benchmark
#
# V=1 shows the commands.

.DELETE_ON_ERROR:
.SUFFIXES:
# Keep the objects that link into test binaries: deleting them as
# intermediates only rebuilds them next time.
.SECONDARY:

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= $(firstword $(wildcard /usr/sbin/bpftool /usr/bin/bpftool) bpftool)
ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 \
	    -Werror=implicit-function-declaration -D_GNU_SOURCE
CPPFLAGS += -Iinclude -Iagent -I$(BUILD)/bpf -MMD -MP
LDLIBS   += -lbpf -lelf -lz

ifeq ($(SAN),1)
BUILD    := build-san
CFLAGS   += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif

# Where 'make install' puts things (docs/install.md). The binary's defaults
# for --config and --policy-dir are compiled from these, so a binary built
# with PREFIX=/usr looks in /usr/share/portcullis. Give the same PREFIX to
# the build and to install (install rebuilds when they differ).
PREFIX      ?= /usr/local
sbindir     ?= $(PREFIX)/sbin
datadir     ?= $(PREFIX)/share
sysconfdir  ?= /etc
mandir      ?= $(datadir)/man
unitdir     ?= /lib/systemd/system
bashcompdir ?= $(datadir)/bash-completion/completions
docdir      ?= $(datadir)/doc/portcullis
PATH_DEFS   := -DPC_DEFAULT_CONFIG='"$(sysconfdir)/portcullis/portcullis.conf"' \
	       -DPC_DEFAULT_POLICY_DIR='"$(datadir)/portcullis"'
CPPFLAGS    += $(PATH_DEFS)

BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -Iinclude -Ibpf -I$(ARCH_INC) -D__bpf__

# agent/: lib (shared pieces), policy (language to tables), kernel (maps,
# programs, hooks, pins), events (the log), cli (main and one file per command).
AGENT_SRCS := $(wildcard agent/*/*.c)
LIB_SRCS   := $(filter-out agent/cli/main.c,$(AGENT_SRCS))
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
# Objects only the BPF tests load (tests/bpf/*.bpf.c), built beside ours.
BPFT_OBJS  := $(patsubst tests/bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(wildcard tests/bpf/*.bpf.c))
BPF_SKELS  := $(BPF_OBJS:.bpf.o=.skel.h) $(BPFT_OBJS:.bpf.o=.skel.h)
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
BPFT_SRCS  := $(wildcard tests/bpf/test_*.c)
TEST_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%) \
	      $(BPFT_SRCS:tests/bpf/%.c=$(BUILD)/tests/%)

PORTCULLIS := $(BUILD)/portcullis
# Made from the tables the program runs on (tools/gen_man.c, 'complete'):
# what 'make install' puts in man8/man5 and bash-completion's directory.
MAN_PAGES       := $(BUILD)/man/portcullis.8 $(BUILD)/man/portcullis.conf.5
BASH_COMPLETION := $(BUILD)/completion/portcullis
GEN_MAN         := $(BUILD)/tools/gen_man
# The man pages' date: the last commit's, so that a rebuild makes the same
# pages (https://reproducible-builds.org/specs/source-date-epoch/).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)

.PHONY: all deps deps-test install uninstall deb rpm run test test-all test-unit test-bpf test-integration test-package test-san test-kernels \
	test-headers upgrade-b fuzz \
	bench bench-compile bench-events clean

all: $(PORTCULLIS) $(MAN_PAGES) $(BASH_COMPLETION)

deps:
	$(Q)./packaging/deps.sh build

deps-test:
	$(Q)./packaging/deps.sh build test package

# --- BPF: clang -> object -> skeleton -------------------------------------

define bpf_object
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -MT $@ -MF $@.d -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp
endef

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c | $(BUILD)/bpf
	$(bpf_object)

$(BUILD)/bpf/%.bpf.o: tests/bpf/%.bpf.c | $(BUILD)/bpf
	$(bpf_object)

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

# --- agent -------------------------------------------------------------------

# Only sources that include a skeleton wait for the BPF build.
SKEL_USERS := $(shell grep -l 'skel\.h' agent/*/*.c tests/bpf/*.c bench/*.c 2>/dev/null)
$(SKEL_USERS:%.c=$(BUILD)/obj/%.o): | $(BPF_SKELS)

# The compiled-in paths: rewritten only when they change, so that objects
# built for another PREFIX are built again, and nothing else is.
$(BUILD)/paths: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(sysconfdir) $(datadir)' | cmp -s - $@ || echo '$(sysconfdir) $(datadir)' >$@

.PHONY: FORCE
FORCE:

$(BUILD)/obj/%.o: %.c $(BUILD)/paths
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libportcullis.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(PORTCULLIS): $(BUILD)/obj/agent/cli/main.o $(BUILD)/libportcullis.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/bpf:
	$(Q)mkdir -p $@

# --- man pages and completion ----------------------------------------------------

$(GEN_MAN): $(BUILD)/obj/tools/gen_man.o $(BUILD)/libportcullis.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# A page the generator refuses (a statement without its section, an
# unknown marker) fails the build, and .DELETE_ON_ERROR leaves no page.
$(BUILD)/man/%: packaging/man/%.in $(GEN_MAN)
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GEN_MAN) $< > $@

# The script asks the program ('portcullis complete'): nothing to generate.
$(BASH_COMPLETION): packaging/completion/portcullis.bash
	$(call msg,CP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

# --- tests -------------------------------------------------------------------

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libportcullis.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/bpf/%.o $(BUILD)/libportcullis.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

# A header that compiles only after another include hides what it uses; the
# next file to include it first breaks. Each header is compiled alone (a
# stamp per header, so only changed ones are checked again).
HEADERS    := $(wildcard agent/*/*.h include/*.h)
HDR_STAMPS := $(HEADERS:%.h=$(BUILD)/hdr/%.ok)

$(BUILD)/hdr/%.ok: %.h $(BUILD)/paths | $(BPF_SKELS)
	$(call msg,HDR,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) $(CFLAGS) -Werror -fsyntax-only -x c $< \
		-MD -MP -MF $@.d -MT $@
	$(Q)touch $@

test-headers: $(HDR_STAMPS)

test: deps-test
	$(Q)$(MAKE) --no-print-directory test-all

# The build waits for deps-test: a fresh machine has no compiler yet.
test-all: test-headers $(PORTCULLIS) $(TEST_BINS) $(BPF_OBJS)
	$(Q)BUILD=$(BUILD) ./tests/run.sh all

test-unit: test-headers $(PORTCULLIS) $(TEST_BINS)
	$(Q)BUILD=$(BUILD) ./tests/run.sh unit

test-bpf: $(TEST_BINS) $(BPF_OBJS)
	$(Q)BUILD=$(BUILD) ./tests/run.sh bpf

test-integration: $(PORTCULLIS)
	$(Q)BUILD=$(BUILD) ./tests/run.sh integration

# Install, the packages, the unit, man pages, completion: no kernel in them.
test-package: $(PORTCULLIS) $(MAN_PAGES) $(BASH_COMPLETION)
	$(Q)BUILD=$(BUILD) ./tests/run.sh package

test-san:
	$(Q)$(MAKE) --no-print-directory SAN=1 $(BUILD:build=build-san)/portcullis \
		$(subst $(BUILD)/,build-san/,$(TEST_BINS))
	$(Q)BUILD=build-san ./tests/run.sh unit bpf

# The same tests under qemu in each stock kernel (tests/kernels/run.sh).
test-kernels: $(PORTCULLIS) $(TEST_BINS) $(BPF_OBJS) upgrade-b
	$(Q)BUILD=$(BUILD) KERNELS="$(KERNELS)" KERNEL_CACHE="$(KERNEL_CACHE)" ./tests/kernels/run.sh

# tests/integration/test_upgrade.sh's build B, "a newer build": this source
# with another version, in a build directory of its own. Made here, on the
# host, before the kernel matrix boots: its guests would take many minutes
# to compile it on an emulated CPU. The environment's CPPFLAGS: the
# Makefile adds its own to them.
UPGRADE_B_VERSION := 0.1.0+upgrade-test
upgrade-b:
	$(Q)CPPFLAGS="-DPC_VERSION='\"$(UPGRADE_B_VERSION)\"'" $(MAKE) --no-print-directory \
		BUILD="$(abspath $(BUILD))/upgrade-b" $(abspath $(BUILD))/upgrade-b/portcullis

# --- fuzzing and benchmarks --------------------------------------------------

FUZZ_SECONDS ?= 60
# The policy layer and what it stands on: nothing of the kernel or the CLI.
FUZZ_SRCS := $(wildcard agent/lib/*.c agent/policy/*.c)

$(BUILD)/fuzz/fuzz_parse: tests/fuzz/fuzz_parse.c $(FUZZ_SRCS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Iagent \
		-I$(BUILD)/bpf $^ $(LDLIBS) -o $@

fuzz: $(BUILD)/fuzz/fuzz_parse
	$(Q)mkdir -p $(BUILD)/fuzz/corpus
	$(Q)cp -n policies/catalogue.conf policies/roles/*.conf policies/examples/*.conf \
		$(BUILD)/fuzz/corpus/ 2>/dev/null || true
	$(Q)$(BUILD)/fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-dict=tests/fuzz/policy.dict $(BUILD)/fuzz/corpus

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(BUILD)/libportcullis.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench-compile: $(BUILD)/bench/bench_compile
	$(Q)$(BUILD)/bench/bench_compile

bench: $(BUILD)/bench/bench_datapath $(BPF_OBJS)
	$(Q)$(BUILD)/bench/bench_datapath

bench-events: $(PORTCULLIS) $(BUILD)/bench/bench_events
	$(Q)$(BUILD)/bench/bench_events

# --- install -----------------------------------------------------------------

INSTALL      ?= install
POLICY_FILES := policies/catalogue.conf
ROLE_FILES   := $(wildcard policies/roles/*.conf)
EXAMPLE_FILES := $(wildcard policies/examples/*.conf)
CONF         := $(sysconfdir)/portcullis/portcullis.conf
# What 'make install' writes: the unit names the binary and docs where they
# are installed (packaging/portcullis.service names the package's /usr).
subst_paths = sed -e 's|@datadir@|$(datadir)|g' -e 's|@docdir@|$(docdir)|g' \
	-e 's|/usr/sbin/portcullis|$(sbindir)/portcullis|g' \
	-e 's|/usr/share/doc/portcullis|$(docdir)|g'

$(BUILD)/install/portcullis.conf: packaging/portcullis.conf.in $(BUILD)/paths
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && $(subst_paths) $< >$@

$(BUILD)/install/portcullis.service: packaging/portcullis.service $(BUILD)/paths
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && $(subst_paths) $< >$@

# The config is the operator's: install writes it only where there is none.
install: $(PORTCULLIS) $(BUILD)/install/portcullis.conf $(BUILD)/install/portcullis.service \
		$(MAN_PAGES) $(BASH_COMPLETION)
	$(INSTALL) -d $(DESTDIR)$(sbindir) $(DESTDIR)$(datadir)/portcullis/roles \
		$(DESTDIR)$(datadir)/portcullis/examples $(DESTDIR)$(sysconfdir)/portcullis \
		$(DESTDIR)$(unitdir) $(DESTDIR)$(docdir)/docs
	$(INSTALL) -m 0755 $(PORTCULLIS) $(DESTDIR)$(sbindir)/portcullis
	$(INSTALL) -m 0644 $(POLICY_FILES) $(DESTDIR)$(datadir)/portcullis/
	$(INSTALL) -m 0644 $(ROLE_FILES) $(DESTDIR)$(datadir)/portcullis/roles/
	$(INSTALL) -m 0644 $(EXAMPLE_FILES) $(DESTDIR)$(datadir)/portcullis/examples/
	$(INSTALL) -m 0644 $(BUILD)/install/portcullis.service $(DESTDIR)$(unitdir)/portcullis.service
	$(INSTALL) -m 0644 README.md $(DESTDIR)$(docdir)/
	$(INSTALL) -m 0644 $(wildcard docs/*.md) $(DESTDIR)$(docdir)/docs/
	@if [ -e $(DESTDIR)$(CONF) ]; then \
		echo "portcullis: $(DESTDIR)$(CONF) exists: left as it is (the new example: $(BUILD)/install/portcullis.conf)"; \
	else \
		echo "$(INSTALL) -m 0644 $(BUILD)/install/portcullis.conf $(DESTDIR)$(CONF)"; \
		$(INSTALL) -m 0644 $(BUILD)/install/portcullis.conf $(DESTDIR)$(CONF); \
	fi
	$(if $(MAN_PAGES),$(INSTALL) -d $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(mandir)/man8)
	$(if $(filter %.8,$(MAN_PAGES)),$(INSTALL) -m 0644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(mandir)/man8/)
	$(if $(filter %.5,$(MAN_PAGES)),$(INSTALL) -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(mandir)/man5/)
	$(if $(BASH_COMPLETION),$(INSTALL) -D -m 0644 $(BASH_COMPLETION) $(DESTDIR)$(bashcompdir)/portcullis)

# Removes what install wrote, and the config only when it is still the
# example install wrote: an edited config stays, and it says so.
uninstall: $(BUILD)/install/portcullis.conf
	rm -f $(DESTDIR)$(sbindir)/portcullis $(DESTDIR)$(unitdir)/portcullis.service \
		$(DESTDIR)$(bashcompdir)/portcullis \
		$(addprefix $(DESTDIR)$(mandir)/man8/,$(notdir $(filter %.8,$(MAN_PAGES)))) \
		$(addprefix $(DESTDIR)$(mandir)/man5/,$(notdir $(filter %.5,$(MAN_PAGES))))
	rm -rf $(DESTDIR)$(datadir)/portcullis $(DESTDIR)$(docdir)
	@if cmp -s $(BUILD)/install/portcullis.conf $(DESTDIR)$(CONF); then \
		echo "rm -f $(DESTDIR)$(CONF)"; rm -f $(DESTDIR)$(CONF); \
		rmdir $(DESTDIR)$(sysconfdir)/portcullis 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(CONF) ]; then \
		echo "portcullis: $(DESTDIR)$(CONF) was edited: left as it is"; \
	fi

# The packages: each builds in a copy of the tree under $(BUILD)
# (packaging/build-pkg.sh), never beside the repository.
deb:
	$(Q)BUILD=$(BUILD) ./packaging/build-pkg.sh deb

rpm:
	$(Q)BUILD=$(BUILD) ./packaging/build-pkg.sh rpm

# --- run ---------------------------------------------------------------------

run: deps $(PORTCULLIS)
	$(Q)./packaging/run-default.sh $(PORTCULLIS)

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
