# Atoll's one Makefile. `make` builds build/atoll; `make test` builds and runs
# every test and ends with "N passed, N failed"; `make asan` runs the unit tests
# under AddressSanitizer + UBSan; `make fuzz` builds and briefly runs the fuzzers.
# Missing Debian packages are installed first by scripts/deps.sh (as root).

CC ?= cc
BUILD ?= build
OPT ?= -O2
SAN ?=
DEPS_SET ?= build

CFLAGS := -std=c11 -D_GNU_SOURCE -Isrc -Itest -Wall -Wextra -Werror -g \
          -pthread -fno-strict-aliasing $(OPT) $(SAN) $(EXTRA_CFLAGS)
LDLIBS := -llz4 -lzstd -luv -lcrypto -ldl -lm -pthread

SRC := $(shell find src -name '*.c' ! -name main.c | sort)
OBJ := $(SRC:%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libatoll.a

UNIT_SRC := $(shell find test/unit -name 'test_*.c' 2>/dev/null | sort)
STORAGE_TEST_SRC := $(shell find test/storage -name 'test_*.c' 2>/dev/null | sort)
TEST_SRC := $(UNIT_SRC) $(STORAGE_TEST_SRC)
TEST_BIN := $(TEST_SRC:test/%.c=$(BUILD)/test/%)
UNIT_BIN := $(UNIT_SRC:test/%.c=$(BUILD)/test/%)
TEST_MAIN := $(BUILD)/obj/test/test_main.o

.PHONY: all deps deps-test run test asan ubsan fuzz bench clean format format-check
# Keep test objects between runs (they are intermediate files of a pattern chain).
.SECONDARY:
all: $(BUILD)/atoll

deps:
	@scripts/deps.sh $(DEPS_SET)

deps-test:
	@scripts/deps.sh test

# SQL grammar: bison and flex generate the parser and the scanner into
# $(BUILD)/gen/sql/ (never committed); their objects join the library.
GEN_SRC := $(BUILD)/gen/sql/parser.c $(BUILD)/gen/sql/lexer.c
OBJ += $(GEN_SRC:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
CFLAGS += -I$(BUILD)/gen

$(BUILD)/gen/sql/parser.c: src/sql/parser.y | deps
	@mkdir -p $(dir $@)
	bison -Wall -o $@ --defines=$(BUILD)/gen/sql/parser.h $<

$(BUILD)/gen/sql/parser.h: $(BUILD)/gen/sql/parser.c ;

$(BUILD)/gen/sql/lexer.c: src/sql/lexer.l | deps
	@mkdir -p $(dir $@)
	flex -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/sql/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/atoll: $(BUILD)/obj/src/main.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/test/%: $(BUILD)/obj/test/%.o $(TEST_MAIN) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# make run: build and start Atoll. Until the SQL server exists this runs the
# storage benchmark at a size that finishes in about a minute.
run: $(BUILD)/atoll
	$(BUILD)/atoll bench kv --count 200000

test: deps-test $(BUILD)/atoll $(TEST_BIN)
	@BUILD=$(BUILD) test/run.sh $(TEST_BIN)

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan CC=clang OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  build-asan/atoll $(UNIT_SRC:test/%.c=build-asan/test/%) $(STORAGE_TEST_SRC:test/%.c=build-asan/test/%)
	@BUILD=build-asan ASAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  test/run.sh $(UNIT_SRC:test/%.c=build-asan/test/%) $(STORAGE_TEST_SRC:test/%.c=build-asan/test/%)

ubsan: asan

FUZZ_SRC := $(shell find fuzz -name 'fuzz_*.c' 2>/dev/null | sort)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 20
fuzz: deps-test
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT=-O1 \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" build-fuzz/libatoll.a
	@for f in $(FUZZ_SRC); do \
	  b=build-fuzz/$$(basename $$f .c); \
	  clang -std=c11 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined \
	    -o $$b $$f build-fuzz/libatoll.a $(LDLIBS) || exit 1; \
	done
	@fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

bench: $(BUILD)/atoll
	$(BUILD)/atoll bench kv --vs rocksdb

# sqllogictest runner (test/slt/README.md): a MySQL-protocol client, not part
# of libatoll. `make slt` needs a server already listening on 127.0.0.1:SLT_PORT;
# test/slt/run-vs-mariadb.sh starts a MariaDB peer and runs it against that.
SLT_PORT ?= 4406
SLT_ARGS ?=
.PHONY: slt slt-runner
slt-runner: $(BUILD)/slt

$(BUILD)/slt: test/slt/slt.c src/base/mem.c src/base/mem.h | deps-test
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $$(pkg-config --cflags libmariadb) -o $@ test/slt/slt.c src/base/mem.c \
	  $$(pkg-config --libs libmariadb) -lcrypto -lm -pthread

slt: $(BUILD)/slt
	$(BUILD)/slt --host 127.0.0.1 --port $(SLT_PORT) $(SLT_ARGS) ../shared/sqllogictest

format:
	clang-format -i $$(find src test fuzz bench -name '*.[ch]')

format-check:
	@clang-format --dry-run --Werror $$(find src test fuzz bench -name '*.[ch]') 

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
