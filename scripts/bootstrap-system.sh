#!/usr/bin/env bash
# Install the Debian packages sohoa needs, only those missing. Fast and silent
# when everything is there (a second `make test` changes nothing).
set -euo pipefail

PACKAGES=(
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd   # OCR engine, Vietnamese model, orientation
  poppler-utils                                       # pdftoppm, pdftotext, pdfsig (independent checks)
  jbig2dec                                            # JBIG2 pages of bilevel scanner PDFs (pikepdf)
  hunspell-vi                                         # Vietnamese syllables: misread marks in subjects, names
  fonts-liberation2 fonts-dejavu-core fonts-freefont-ttf fonts-noto-core  # Vietnamese glyphs (samples)
  softhsm2 opensc                                     # a real PKCS#11 token for tests
  ghostscript qpdf                                    # OCRmyPDF baseline in the benchmark
  chromium                                            # renders the verification report (test)
  systemd                                             # systemd-analyze checks deploy/sohoa-watch.service (test)
)
# Keep only the package names (comments above are for readers).
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "sohoa: installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "sohoa: cannot install ${missing[*]}: not root and sudo is not available." >&2
  echo "       Ask an administrator to run: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
