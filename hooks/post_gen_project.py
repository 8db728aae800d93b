"""Tidy the rendered project: drop folders left empty by optional files.

Optional files are switched off by file names that render empty, which
cookiecutter skips; their folders are created all the same and removed here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def prune_empty_dirs(root: Path) -> list[Path]:
    """Remove every empty folder under `root` (deepest first); return what was removed."""
    removed = []
    for folder, _dirs, _files in sorted(os.walk(root), key=lambda entry: -len(entry[0])):
        path = Path(folder)
        if path != root and not any(path.iterdir()):
            path.rmdir()
            removed.append(path)
    return removed


def main() -> int:
    prune_empty_dirs(Path.cwd())
    return 0


if __name__ == "__main__":
    sys.exit(main())
