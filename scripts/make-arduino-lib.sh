#!/usr/bin/env bash
# Makes the Arduino library of ANNE (for the Arduino IDE, arduino-cli and PlatformIO) in OUTDIR, from
# this repository as it is: the runtime's sources (runtime/src, runtime/include) flattened into src/,
# the IrisPico example (ports/arduino/IrisPico) with the paper's IRIS network converted to C by `anne
# convert`, library.properties and library.json with the version of CMakeLists.txt's project(). Nothing
# of it is committed a second time. docs/deploy.md, "Arduino IDE and PlatformIO", says how to use it.
#
# usage: scripts/make-arduino-lib.sh OUTDIR      (ANNE=/path/to/anne: the tool; default build/anne)
# OUTDIR must be new, empty, or a library this script made (then it is replaced). The library is
# made in a temporary folder beside OUTDIR and moved into place complete, never half-written.
set -euo pipefail

die() {
    echo "make-arduino-lib.sh: $*" >&2
    exit 1
}

[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: scripts/make-arduino-lib.sh OUTDIR" >&2; exit 2; }
OUT=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ANNE=${ANNE:-$ROOT/build/anne}
[ -x "$ANNE" ] || die "$ANNE is not built (make all), or set ANNE=/path/to/anne"

# The version: CMakeLists.txt's project(), which anne.h must agree with (one number, checked here).
VERSION=$(sed -n 's/^project(anne VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[ -n "$VERSION" ] || die "$ROOT/CMakeLists.txt: no 'project(anne VERSION x.y.z'"
HEADER_VERSION=$(sed -n 's/^#define ANNE_VERSION_STRING "\(.*\)"/\1/p' "$ROOT/runtime/include/anne.h")
[ "$HEADER_VERSION" = "$VERSION" ] ||
    die "runtime/include/anne.h says version $HEADER_VERSION, CMakeLists.txt $VERSION: make them agree"

if [ -e "$OUT" ] || [ -L "$OUT" ]; then
    if [ -d "$OUT" ] && [ ! -L "$OUT" ] && [ -z "$(ls -A "$OUT")" ]; then
        :
    elif [ -d "$OUT" ] && [ ! -L "$OUT" ] && grep -qx 'name=ANNE' "$OUT/library.properties" 2>/dev/null; then
        :
    else
        die "$OUT exists and is not an ANNE library made by this script: choose a new folder"
    fi
fi
PARENT=$(dirname "$OUT")
mkdir -p "$PARENT"
STAGE=$(mktemp -d "$PARENT/.anne-arduino.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# src/: Arduino builds every .c of a library's src/ and puts src/ on the include path; the runtime
# includes its headers by bare name, so one flat folder is all it needs. Two files of one name would
# overwrite each other: refused.
mkdir -p "$STAGE/src" "$STAGE/examples/IrisPico"
dups=$(for f in "$ROOT"/runtime/include/*.h "$ROOT"/runtime/src/*.[ch]; do basename "$f"; done | sort | uniq -d)
[ -z "$dups" ] || die "runtime files of the same name cannot share src/: $dups"
cp "$ROOT"/runtime/include/*.h "$ROOT"/runtime/src/*.c "$ROOT"/runtime/src/*.h "$STAGE/src/"

cp "$ROOT/ports/arduino/IrisPico/IrisPico.ino" "$STAGE/examples/IrisPico/"
"$ANNE" convert "$ROOT/examples/iris/iris_8_neurons.json" "$STAGE/examples/IrisPico/iris.c" --name iris >/dev/null ||
    die "anne convert of examples/iris/iris_8_neurons.json failed"

# The repository's address, when this clone knows one (the library managers show it).
URL=$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null | sed 's/\.git$//' || true)

SENTENCE="Trained neural networks (Keras, TensorFlow.js, TFLite) on microcontrollers: float32, Q16.16 and int8, no malloc."
PARAGRAPH="Convert a model to C with the anne tool, include it and call NAME_predict(): the runtime validates the model, runs dense networks and CNNs in caller-provided memory of a size known at build time, and can train and evaluate on the board. After the AI-ANNE paper (Klinkhammer, 2025)."

{
    echo "name=ANNE"
    echo "version=$VERSION"
    echo "author=ANNE contributors"
    echo "maintainer=ANNE contributors"
    echo "sentence=$SENTENCE"
    echo "paragraph=$PARAGRAPH"
    echo "category=Data Processing"
    [ -z "$URL" ] || echo "url=$URL"
    echo "architectures=*"
    echo "includes=anne.h"
} >"$STAGE/library.properties"

# PlatformIO: the same src/, built with the flags the runtime is specified under (docs/codegen.md,
# "Compiler flags"), which library.properties has no way to give.
{
    echo "{"
    echo "  \"name\": \"ANNE\","
    echo "  \"version\": \"$VERSION\","
    echo "  \"description\": \"$SENTENCE\","
    echo "  \"keywords\": [\"neural network\", \"machine learning\", \"tinyml\", \"keras\", \"tflite\", \"rp2040\"],"
    [ -z "$URL" ] || echo "  \"repository\": {\"type\": \"git\", \"url\": \"$URL\"},"
    echo "  \"frameworks\": \"*\","
    echo "  \"platforms\": \"*\","
    echo "  \"headers\": \"anne.h\","
    echo "  \"build\": {"
    echo "    \"srcDir\": \"src\","
    echo "    \"includeDir\": \"src\","
    echo "    \"flags\": [\"-fno-strict-aliasing\", \"-ffp-contract=off\"]"
    echo "  },"
    echo "  \"examples\": [{\"name\": \"IrisPico\", \"base\": \"examples/IrisPico\", \"files\": [\"IrisPico.ino\", \"iris.c\", \"iris.h\"]}]"
    echo "}"
} >"$STAGE/library.json"

cat >"$STAGE/README.md" <<EOF
# ANNE $VERSION for Arduino and PlatformIO

Made by scripts/make-arduino-lib.sh from the ANNE repository; its docs/deploy.md ("Arduino IDE and
PlatformIO") is the guide. In short:

- \`anne convert model.h5 mymodel.c\` (Keras, TF.js, TFLite, .anne) writes mymodel.c and mymodel.h;
  put both into your sketch's folder, \`#include <anne.h>\` and \`#include "mymodel.h"\`, and call
  \`mymodel_predict(input, output, arena)\` (examples/IrisPico shows it).
- The runtime's compile-time knobs are in src/anne_config.h: the Arduino IDE passes no -D options to
  a library, so edit them there.
- library.json gives PlatformIO the runtime's flags, -fno-strict-aliasing -ffp-contract=off; the Arduino
  IDE builds with the core's flags (on a Pico 2 a multiply-add may then round once instead of twice).
EOF

chmod -R u+rwX,go+rX "$STAGE"
rm -rf "$OUT"
mv "$STAGE" "$OUT"
trap - EXIT
echo "wrote $OUT: ANNE $VERSION, $(find "$OUT/src" -name '*.c' | wc -l) sources and $(find "$OUT/src" -name '*.h' | wc -l) headers in src/, examples/IrisPico"
