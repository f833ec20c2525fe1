#!/bin/sh
# Regenerates assets/fonts/NotoSansSC-Subset.otf, the font every PDF the portal issues embeds
# (decision 0034): Noto Sans CJK SC (SIL OFL 1.1, assets/fonts/OFL.txt) cut to ASCII, Latin-1,
# general punctuation, CJK symbols and punctuation, the whole CJK Unified Ideographs block
# (U+4E00-U+9FFF, so rare characters of names render) and half/full-width forms. pdfkit then
# embeds only the glyphs a document uses.
#
# Needs fontTools (Debian: apt-get install python3-fonttools) and the Noto CJK fonts
# (apt-get install fonts-noto-cjk). Usage: sh scripts/subset-cjk-font.sh [path to NotoSansCJK-Regular.ttc]
set -eu
SRC="${1:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
OUT="$(dirname "$0")/../assets/fonts/NotoSansSC-Subset.otf"
PY="$(command -v /usr/bin/python3 || command -v python3)"
# Face 2 of the collection is "Noto Sans CJK SC" (simplified Chinese glyph forms).
"$PY" -m fontTools.subset "$SRC" --font-number=2 \
  --unicodes="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2190-21FF,U+25A0-25FF,U+3000-303F,U+4E00-9FFF,U+FF00-FFEF" \
  --layout-features= --no-hinting --name-IDs='*' --name-languages='*' \
  --output-file="$OUT"
ls -l "$OUT"
