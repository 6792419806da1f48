"""Check that every committed .mo file matches its .po file (so a clone without gettext works).

Compiles each .po with GNU msgfmt into a temporary file and compares the bytes. Without msgfmt
it says so and passes, unless REQUIRE_SERVICES=1 (CI installs gettext).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        msg = "check_messages: msgfmt (GNU gettext) not found; .mo files not checked"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            print(msg, file=sys.stderr)
            return 1
        print(msg)
        return 0
    stale = []
    pos = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    for po in pos:
        mo = po.with_suffix(".mo")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.mo"
            subprocess.run([msgfmt, "--check-format", "-o", str(out), str(po)], check=True)
            if not mo.exists() or mo.read_bytes() != out.read_bytes():
                stale.append(str(mo.relative_to(ROOT)))
    if stale:
        print("These .mo files do not match their .po; run `make messages`:", *stale, sep="\n  ")
        return 1
    print(f"check_messages: {len(pos)} catalogue(s) up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
