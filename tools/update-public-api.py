#!/usr/bin/env python3
"""Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to each package's
PublicAPI.Unshipped.txt, and drops the ones reported as removed (RS0017). Run it after changing a public API on
purpose, then review the diff: the files are the record of what the packages promise.

Usage: python3 tools/update-public-api.py        (from the repository root)
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Dependency order: a package's errors stop the build of the packages above it.
PACKAGES = ["Vmd.Abstractions", "Vmd.Enumeration", "Vmd.Interrupts", "Vmd.Core", "Vmd.Simulation"]
ADDED = re.compile(r"error RS0016: Symbol '(.+?)' is not part of the declared public API")
REMOVED = re.compile(r"error RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found")


def build(project: Path) -> str:
    result = subprocess.run(
        ["dotnet", "build", str(project), "-c", "Release", "--no-incremental", "-p:TreatWarningsAsErrors=true"],
        cwd=ROOT, capture_output=True, text=True)
    return result.stdout + result.stderr


def main() -> int:
    for name in PACKAGES:
        folder = ROOT / "src" / name
        project = folder / f"{name}.csproj"
        unshipped = folder / "PublicAPI.Unshipped.txt"
        for path in (folder / "PublicAPI.Shipped.txt", unshipped):
            if not path.exists() or not path.read_text().strip():
                path.write_text("#nullable enable\n")
        output = build(project)
        mine = [line for line in output.splitlines() if f"{name}.csproj]" in line]
        added = {m.group(1) for line in mine if (m := ADDED.search(line))}
        removed = {m.group(1) for line in mine if (m := REMOVED.search(line))}
        lines = [l for l in unshipped.read_text().splitlines() if l.strip() and not l.startswith("#")]
        kept = sorted((set(lines) | added) - removed, key=str.lower)
        unshipped.write_text("#nullable enable\n" + "".join(f"{l}\n" for l in kept))
        print(f"{name}: {len(added)} added, {len(removed)} removed, {len(kept)} unshipped")
        if added or removed:
            rest = [l for l in mine if ": error " in l and "RS0016" not in l and "RS0017" not in l]
            if rest:
                print("\n".join(sorted(set(rest))[:20]), file=sys.stderr)
    # A second pass proves the files are complete (no RS0016/RS0017 left).
    output = build(ROOT / "src" / PACKAGES[-1] / f"{PACKAGES[-1]}.csproj") + build(ROOT / "src" / "Vmd.Core" / "Vmd.Core.csproj")
    left = [l for l in output.splitlines() if "RS0016" in l or "RS0017" in l]
    if left:
        print(f"{len(left)} diagnostics left; run again", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
