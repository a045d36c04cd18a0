#!/usr/bin/env bash
# scripts/make-arduino-lib.sh: the library it makes has the project's name and version (read here
# from CMakeLists.txt) in library.properties and library.json, src/ holds exactly the runtime's files,
# byte for byte, and the example's model is what `anne convert` makes of the IRIS network. Then the
# library compiles as an RP2040 (Cortex-M0+) and an RP2350 (Cortex-M33) core builds it, -Wall -Wextra
# -Werror, the sketch too (as C++, against a stub of Arduino.h written here), and the sketch runs on
# the host against that stub: its outputs and classes for typed rows are `anne predict`'s.
. "$(dirname "$0")/lib/common.sh"

ROOT=$(pwd)
LIB=$TMP/libs/ANNE
if ! ANNE="$ANNE" scripts/make-arduino-lib.sh "$LIB" >"$TMP/make.out" 2>&1; then
    fail "make-arduino-lib.sh failed: $(head -c 400 "$TMP/make.out")"
    finish "arduino library"
fi

# --- the metadata ----------------------------------------------------------------------------------
VERSION=$(awk '/^project\(anne / { for (i = 1; i <= NF; i++) if ($i == "VERSION") print $(i + 1) }' CMakeLists.txt)
[ -n "$VERSION" ] || fail "no project VERSION in CMakeLists.txt"
prop() { sed -n "s/^$1=//p" "$LIB/library.properties"; }
[ "$(prop name)" = ANNE ] || fail "library.properties: name is '$(prop name)'"
[ "$(prop version)" = "$VERSION" ] || fail "library.properties: version '$(prop version)', the project's is $VERSION"
[ "$(prop includes)" = anne.h ] || fail "library.properties: includes is '$(prop includes)'"
for key in author maintainer sentence paragraph category architectures; do
    [ -n "$(prop $key)" ] || fail "library.properties: no $key"
done
grep -vqE '^[a-z._]+=.' "$LIB/library.properties" && fail "library.properties: a line that is not key=value"
flat=$(tr -d ' \t\n' <"$LIB/library.json")
for pair in '"name":"ANNE"' "\"version\":\"$VERSION\"" '"srcDir":"src"' '"includeDir":"src"' '"-fno-strict-aliasing"' \
    '"base":"examples/IrisPico"'; do
    case $flat in *"$pair"*) ;; *) fail "library.json lacks $pair" ;; esac
done
if command -v jq >/dev/null 2>&1; then
    jq -e . "$LIB/library.json" >/dev/null 2>&1 || fail "library.json is not valid JSON"
elif command -v python3 >/dev/null 2>&1; then
    python3 -m json.tool "$LIB/library.json" >/dev/null 2>&1 || fail "library.json is not valid JSON"
fi

# --- src/ is the runtime, flattened; the example's model is anne convert's ----------------------------
(cd runtime && ls include/*.h src/*.c src/*.h) | sed 's|.*/||' | sort >"$TMP/want"
(cd "$LIB/src" && ls -A) | sort >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || fail "src/ differs from the runtime's files: $(diff "$TMP/want" "$TMP/got" | head -5 | tr '\n' ' ')"
for f in runtime/include/*.h runtime/src/*.c runtime/src/*.h; do
    cmp -s "$f" "$LIB/src/$(basename "$f")" || fail "src/$(basename "$f") is not $f"
done
grep -q "ANNE_CONFIG_CHECK_CRC" "$LIB/src/anne_config.h" || fail "src/anne_config.h is not the runtime's config header"
mkdir -p "$TMP/conv"
run 0 convert examples/iris/iris_8_neurons.json "$TMP/conv/iris.c" --name iris
for f in iris.c iris.h; do
    cmp -s "$TMP/conv/$f" "$LIB/examples/IrisPico/$f" || fail "examples/IrisPico/$f is not anne convert's"
done
cmp -s ports/arduino/IrisPico/IrisPico.ino "$LIB/examples/IrisPico/IrisPico.ino" || fail "the sketch is not ports/arduino's"

# a second run replaces the library; a folder that is not one is refused and kept
touch "$LIB/stale.txt"
ANNE="$ANNE" scripts/make-arduino-lib.sh "$LIB" >/dev/null 2>&1 || fail "a second run into the library failed"
[ -e "$LIB/stale.txt" ] && fail "a second run kept a file of the old library"
mkdir -p "$TMP/other" && touch "$TMP/other/mine.txt"
if ANNE="$ANNE" scripts/make-arduino-lib.sh "$TMP/other" >"$TMP/make.out" 2>&1; then fail "a foreign folder was replaced"; fi
grep -qF "$TMP/other exists and is not an ANNE library" "$TMP/make.out" || fail "no message for a foreign folder: $(cat "$TMP/make.out")"
[ -e "$TMP/other/mine.txt" ] || fail "a foreign folder lost its file"
ls -a "$TMP/libs" | grep -q '^\.anne-arduino' && fail "a staging folder was left behind"

# --- a stub of the Arduino API the sketch uses: declarations (for the cross compiler) -----------------
mkdir -p "$TMP/stub"
cat >"$TMP/stub/Arduino.h" <<'EOF'
/* The part of the Arduino API IrisPico.ino uses, declared as the cores declare it. */
#ifndef ARDUINO_STUB_H
#define ARDUINO_STUB_H
#include <stddef.h>
#include <stdint.h>
#define HIGH 1
#define LOW 0
#define OUTPUT 1
#define LED_BUILTIN 25
void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t value);
unsigned long millis(void);
unsigned long micros(void);
void delay(unsigned long ms);
class StubSerial {
public:
    void begin(unsigned long baud);
    int available(void);
    int read(void);
    explicit operator bool() const { return true; }
    size_t print(const char *s);
    size_t print(char c);
    size_t print(int v);
    size_t print(unsigned int v);
    size_t print(long v);
    size_t print(unsigned long v);
    size_t print(double v, int digits = 2);
    size_t println(const char *s);
};
extern StubSerial Serial;
void setup(void);
void loop(void);
#endif
EOF

# --- cross compiled: the library's C as an RP2040 and an RP2350 core builds it, and the sketch ------
if command -v arm-none-eabi-gcc >/dev/null 2>&1 && command -v arm-none-eabi-g++ >/dev/null 2>&1; then
    for cpu in "-mcpu=cortex-m0plus -mthumb" "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16"; do
        mkdir -p "$TMP/obj"
        # shellcheck disable=SC2086
        for f in "$LIB"/src/*.c "$LIB/examples/IrisPico/iris.c"; do
            arm-none-eabi-gcc $cpu -std=gnu17 -Os -ffunction-sections -fdata-sections -Wall -Wextra -Werror \
                -I"$LIB/src" -c "$f" -o "$TMP/obj/$(basename "$f").o" 2>"$TMP/cc.err" ||
                fail "arm-none-eabi-gcc $cpu: $(basename "$f"): $(head -c 400 "$TMP/cc.err")"
        done
        # shellcheck disable=SC2086
        arm-none-eabi-g++ $cpu -std=gnu++17 -Os -fno-exceptions -fno-rtti -Wall -Wextra -Werror -x c++ \
            -include Arduino.h -I"$TMP/stub" -I"$LIB/src" -I"$LIB/examples/IrisPico" \
            -c "$LIB/examples/IrisPico/IrisPico.ino" -o "$TMP/obj/IrisPico.o" 2>"$TMP/cc.err" ||
            fail "arm-none-eabi-g++ $cpu: IrisPico.ino: $(head -c 600 "$TMP/cc.err")"
        n=$(ls "$TMP/obj"/*.o 2>/dev/null | wc -l)
        [ "$n" -eq $(($(ls "$LIB"/src/*.c | wc -l) + 2)) ] || fail "$cpu: $n objects"
        rm -rf "$TMP/obj"
    done
else
    skip_part "arm-none-eabi-gcc/g++ are missing (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"
fi

# --- the sketch on the host: rows typed on the serial port, answers checked against anne predict ------
cat >"$TMP/stub/stub.cpp" <<'EOF'
/* The stub's definitions for a run on the host: the serial input is a fixed text, output goes to stdout,
 * time advances 1 ms per call of millis(). main() runs setup() and then loop() until the input is read. */
#include <stdio.h>
#include <string.h>
#include "Arduino.h"
static const char input[] = "6.8,2.8,4.8,1.4\n5.1 3.3 1.7 0.5\r\nnot numbers\n6.3,2.5,5.0,1.9\n";
static size_t at;
static unsigned long now;
StubSerial Serial;
void pinMode(uint8_t, uint8_t) {}
void digitalWrite(uint8_t pin, uint8_t value) { printf("[led %u %u]\n", pin, value); }
unsigned long millis(void) { return now++; }
unsigned long micros(void) { return now * 1000UL; }
void delay(unsigned long ms) { now += ms; }
void StubSerial::begin(unsigned long) {}
int StubSerial::available(void) { return (int)(sizeof input - 1 - at); }
int StubSerial::read(void) { return at < sizeof input - 1 ? (unsigned char)input[at++] : -1; }
size_t StubSerial::print(const char *s) { return (size_t)printf("%s", s); }
size_t StubSerial::print(char c) { return (size_t)printf("%c", c); }
size_t StubSerial::print(int v) { return (size_t)printf("%d", v); }
size_t StubSerial::print(unsigned int v) { return (size_t)printf("%u", v); }
size_t StubSerial::print(long v) { return (size_t)printf("%ld", v); }
size_t StubSerial::print(unsigned long v) { return (size_t)printf("%lu", v); }
size_t StubSerial::print(double v, int digits) { return (size_t)printf("%.*f", digits, v); }
size_t StubSerial::println(const char *s) { return (size_t)printf("%s\n", s); }
int main(void) {
    setup();
    while (Serial.available() > 0) loop();
    loop();
    return 0;
}
EOF
CC=${CC:-cc}
CXX=${CXX:-c++}
if command -v "$CXX" >/dev/null 2>&1; then
    mkdir -p "$TMP/host"
    ok=1
    for f in "$LIB"/src/*.c "$LIB/examples/IrisPico/iris.c"; do
        "$CC" -std=gnu17 -O1 -Wall -Wextra -Werror -I"$LIB/src" -c "$f" -o "$TMP/host/$(basename "$f").o" 2>"$TMP/cc.err" ||
            { fail "host $CC: $(basename "$f"): $(head -c 300 "$TMP/cc.err")"; ok=0; }
    done
    "$CXX" -std=gnu++17 -O1 -Wall -Wextra -Werror -x c++ -include Arduino.h -I"$TMP/stub" -I"$LIB/src" \
        -I"$LIB/examples/IrisPico" -c "$LIB/examples/IrisPico/IrisPico.ino" -o "$TMP/host/sketch.o" 2>"$TMP/cc.err" ||
        { fail "host $CXX: IrisPico.ino: $(head -c 400 "$TMP/cc.err")"; ok=0; }
    "$CXX" -std=gnu++17 -Wall -Werror -I"$TMP/stub" -c "$TMP/stub/stub.cpp" -o "$TMP/host/stub.o" ||
        { fail "host $CXX: the stub"; ok=0; }
    if [ "$ok" -eq 1 ] && "$CXX" -o "$TMP/sketch" "$TMP/host"/*.o -lm 2>"$TMP/cc.err"; then
        "$TMP/sketch" >"$TMP/serial.txt" || fail "the sketch run failed"
        grep -qF "ANNE $VERSION: model 'iris', 4 inputs, 1 output(s), arena" "$TMP/serial.txt" ||
            fail "the sketch's banner: $(head -n 1 "$TMP/serial.txt")"
        grep -qF "expected 4 numbers" "$TMP/serial.txt" || fail "the sketch took 'not numbers' as input"
        # the reference: the sample (printed first) and the three typed rows, through anne predict
        printf 'a,b,c,d\n6.8,2.8,4.8,1.4\n6.8,2.8,4.8,1.4\n5.1,3.3,1.7,0.5\n6.3,2.5,5.0,1.9\n' >"$TMP/rows.csv"
        run 0 predict examples/iris/iris_8_neurons.json "$TMP/rows.csv"
        tail -n +2 "$TMP/out" | awk -F, '{ printf "%.4f %s %s\n", $1, $2, $3 }' >"$TMP/want.txt"
        sed -n 's/.*output: \([-0-9.]*\)  class \([0-9]*\) (\([^)]*\)).*/\1 \2 \3/p' "$TMP/serial.txt" >"$TMP/got.txt"
        cmp -s "$TMP/want.txt" "$TMP/got.txt" ||
            fail "the sketch's answers differ from anne predict's: $(paste -d'|' "$TMP/want.txt" "$TMP/got.txt" | tr '\n' ' ')"
        [ "$(grep -c '^\[led 25 1\]' "$TMP/serial.txt")" -eq 1 ] || fail "the LED is not lit exactly for the one virginica"
    elif [ "$ok" -eq 1 ]; then
        fail "linking the sketch on the host failed: $(head -c 400 "$TMP/cc.err")"
    fi
else
    skip_part "no host C++ compiler ($CXX)"
fi

finish "arduino library: metadata, sources, cross builds and the sketch checked"
