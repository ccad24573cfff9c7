"""Regenerate generated/event_streamer_api from openapi/event-streamer.yaml.

Steps: validate the spec (openapi-spec-validator), run the pinned openapi-python-client into a
temporary directory, fail on any generator warning except the operations the hand layer serves
(event_streamer._contract.HAND_SERVED_OPERATIONS), then swap the result into place. A failure at
any step leaves generated/ untouched.

Usage: python scripts/generate.py [--check]   (--check: fail if generated/ would change)
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "event-streamer.yaml"
CONFIG = ROOT / "openapi" / "generator-config.yml"
TEMPLATES = ROOT / "openapi" / "templates"  # overrides of the generator's own templates
PACKAGE = "event_streamer_api"
TARGET = ROOT / "generated" / PACKAGE

sys.path.insert(0, str(ROOT))
from event_streamer._contract import HAND_SERVED_OPERATIONS  # noqa: E402

# "WARNING parsing GET /subscriptions/{subscription_id}/stream within streaming."
_ENDPOINT_WARNING = re.compile(r"^WARNING parsing (\w+) (\S+) within [\w-]+\.", re.MULTILINE)
_ANY_WARNING = re.compile(r"warning", re.IGNORECASE)
# Caches the post-hooks leave behind; never part of the package.
_SCRATCH = ("__pycache__", ".ruff_cache")


def load_spec() -> dict[str, object]:
    with SPEC.open(encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    if not isinstance(spec, dict):
        raise SystemExit(f"{SPEC}: not a YAML mapping")
    return spec


def operation_ids(spec: dict[str, object]) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> operationId for every operation in the spec."""
    out: dict[tuple[str, str], str] = {}
    paths = spec.get("paths")
    assert isinstance(paths, dict)
    for path, item in paths.items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                out[(method.upper(), path)] = op["operationId"]
    return out


def check_warnings(output: str, ops: dict[tuple[str, str], str]) -> list[str]:
    """Return the problems in the generator's output (empty when only allowed skips occur)."""
    problems: list[str] = []
    skipped = set()
    for method, path in _ENDPOINT_WARNING.findall(output):
        op = ops.get((method, path), f"{method} {path}")
        skipped.add(op)
        if op not in HAND_SERVED_OPERATIONS:
            problems.append(f"generator skipped {op} ({method} {path}), which no hand layer serves")
    # Any other warning text (model-level problems, ...) is a failure too.
    residue = _ENDPOINT_WARNING.sub("", output)
    residue = residue.replace("Warning(s) encountered while generating.", "")
    if _ANY_WARNING.search(residue):
        problems.append("generator printed warnings that are not endpoint skips")
    stale = set(HAND_SERVED_OPERATIONS) - skipped
    if stale:
        problems.append(
            f"HAND_SERVED_OPERATIONS lists operations the generator did not skip: {stale}"
        )
    return problems


def generate_into(dest: Path) -> str:
    env = dict(os.environ)
    # The post-hooks call ruff: use the one from this interpreter's environment.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    cmd = [
        str(Path(sys.executable).parent / "openapi-python-client"),
        "generate",
        "--path",
        str(SPEC),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        "none",
        "--output-path",
        str(dest),
        "--overwrite",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 or not (dest / "__init__.py").exists():
        raise SystemExit(f"openapi-python-client failed (exit {proc.returncode}):\n{output}")
    return output


def trees_equal(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b, ignore=list(_SCRATCH))
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(trees_equal(a / d, b / d) for d in cmp.common_dirs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ is out of date")
    args = parser.parse_args()

    spec = load_spec()
    try:
        validate(spec)
    except OpenAPIValidationError as err:
        print(f"{SPEC.relative_to(ROOT)} is not a valid OpenAPI document:\n{err}", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="es-generate-") as tmp:
        dest = Path(tmp) / PACKAGE
        output = generate_into(dest)
        problems = check_warnings(output, operation_ids(spec))
        if problems:
            print("make generate failed:\n  " + "\n  ".join(problems), file=sys.stderr)
            print(f"\ngenerator output:\n{output}", file=sys.stderr)
            return 1
        (dest / "py.typed").touch()
        if args.check:
            if TARGET.exists() and trees_equal(dest, TARGET):
                print("generated/ is up to date")
                return 0
            print("generated/ is out of date: run `make generate`", file=sys.stderr)
            return 1
        staging = TARGET.with_name(f".{PACKAGE}.new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(dest, staging, ignore=shutil.ignore_patterns(*_SCRATCH))
        shutil.rmtree(TARGET, ignore_errors=True)
        staging.rename(TARGET)
    print(f"generated {TARGET.relative_to(ROOT)} from {SPEC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
