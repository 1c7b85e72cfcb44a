"""The package's type hints (its annotations and the stub of allocation._core) satisfy
`mypy --strict`, for the package itself and for a script that uses it."""

import os
import subprocess
import sys


def test_mypy_strict_accepts_the_package_and_a_script_using_it():
    package = os.path.dirname(os.path.dirname(os.path.abspath(
        __import__("allocation").__file__)))
    checked = [os.path.join(os.path.dirname(__file__), "typed_script.py")]
    env = dict(os.environ)
    if os.path.basename(package) != "site-packages":
        # The build's copy: found through MYPYPATH, and checked itself. An installed copy is
        # found as PEP 561 says, through its py.typed.
        env["MYPYPATH"] = package
        checked.append(os.path.join(package, "allocation"))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir",
         os.devnull, *checked], capture_output=True, text=True, env=env, cwd=package)
    assert result.returncode == 0, result.stdout + result.stderr
