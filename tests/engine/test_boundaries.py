"""The engine runs without Qt and the editor starts without torch.

import-linter (run by the test command) checks the import graph statically;
this test checks what actually gets loaded, by importing every module of one
side in a fresh interpreter with the other side's packages made unimportable.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BLOCKER = """
import importlib, pkgutil, sys
blocked = set({blocked!r})
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in blocked:
            raise ImportError(f'{{name}} is off limits here')
sys.meta_path.insert(0, Block())
import {package}
for mod in pkgutil.walk_packages({package}.__path__, '{package}.'):
    if mod.name.rsplit('.', 1)[-1] == '__main__':
        continue
    importlib.import_module(mod.name)
loaded = sorted(n for n in sys.modules if n.split('.')[0] in blocked)
assert not loaded, loaded
print('ok')
"""


@pytest.mark.parametrize(
    ("package", "blocked"),
    [
        ("engine", ["PySide6", "shiboken6", "editor"]),
        ("editor", ["torch", "diffusers", "transformers", "safetensors"]),
    ],
)
def test_every_module_imports_without_the_other_side(package: str, blocked: list[str]) -> None:
    code = BLOCKER.format(package=package, blocked=blocked)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
