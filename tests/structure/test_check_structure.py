"""scripts/check-structure: the tree passes it, and each kind of violation planted in a tree
of its own fails it, naming the file and the line."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECK = os.path.join(ROOT, "scripts", "check-structure")


def check(root):
    return subprocess.run([sys.executable, CHECK, "--root", str(root)], capture_output=True,
                          text=True, check=False)


def plant(root, relative, text):
    path = root / "src" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_source_tree_keeps_the_rules():
    result = check(ROOT)
    assert result.returncode == 0, result.stdout


def test_a_clean_planted_tree_passes(tmp_path):
    plant(tmp_path, "domain/batch.hpp", "#include <vector>\n#include \"common/overloaded.hpp\"\n")
    plant(tmp_path, "entrypoints/http/server.cpp", "#include <boost/asio.hpp>\n"
                                                   "#include \"service_layer/errors.hpp\"\n")
    assert check(tmp_path).returncode == 0


def test_the_domain_may_not_include_an_adapter(tmp_path):
    plant(tmp_path, "domain/product.cpp", "#include <vector>\n#include \"adapters/tables.hpp\"\n")
    result = check(tmp_path)
    assert result.returncode == 1
    assert "src/domain/product.cpp:2: domain may not include adapters/tables.hpp" in result.stdout


def test_the_domain_may_not_include_a_third_party_header(tmp_path):
    plant(tmp_path, "domain/product.cpp", "#include <boost/json.hpp>\n")
    result = check(tmp_path)
    assert result.returncode == 1
    assert "src/domain/product.cpp:1: domain may not include <boost/json.hpp>" in result.stdout


def test_the_service_layer_may_not_include_an_entrypoint(tmp_path):
    plant(tmp_path, "service_layer/handlers.cpp", "#include \"entrypoints/http/server.hpp\"\n")
    assert "service_layer may not include entrypoints/http/server.hpp" in check(tmp_path).stdout


def test_an_entrypoint_may_not_include_an_adapter(tmp_path):
    plant(tmp_path, "entrypoints/http/routes.cpp", "#include \"adapters/sqlite/tables.hpp\"\n")
    result = check(tmp_path)
    assert result.returncode == 1
    assert "entrypoints/http may not include adapters/sqlite/tables.hpp" in result.stdout


def test_a_file_too_long_fails(tmp_path):
    plant(tmp_path, "adapters/long.cpp", "int x;\n" * 351)
    assert "src/adapters/long.cpp: 351 lines, over 350" in check(tmp_path).stdout


def test_a_function_too_long_fails(tmp_path):
    body = "".join(f"  int v{i} = {i};\n" for i in range(70))
    plant(tmp_path, "adapters/long.cpp", "void f() {\n" + body + "}\n")
    assert "src/adapters/long.cpp:1: function of 72 lines, over 70" in check(tmp_path).stdout
