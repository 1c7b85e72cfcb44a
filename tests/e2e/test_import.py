"""`allocation import FILE.csv`: a file of batches into a running server, on both engines."""

import json
import os
import signal
import subprocess

import requests

from conftest import BINARY, random_batchref, random_sku


def write_csv(tmp_path, text, name="batches.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def run_import(server, path, *args):
    return subprocess.run([BINARY, "import", "--url", server.url, path, *args],
                          capture_output=True, text=True, timeout=120)


def product(server, sku):
    response = requests.get(f"{server.url}/products/{sku}")
    return response.json() if response.status_code == 200 else None


def purchased(server, sku):
    return sum(batch["purchased"] for batch in product(server, sku)["batches"])


def test_every_row_is_created_and_a_second_run_changes_nothing(server, tmp_path):
    lamp, rug = random_sku("LAMP"), random_sku("RUG")
    first, second, third = random_batchref(), random_batchref(), random_batchref()
    path = write_csv(tmp_path, f"ref,sku,qty,eta\n{first},{lamp},20,\n"
                               f"\"{second}\",{lamp},5,2030-01-15\r\n{third},{rug},7,\n")
    result = run_import(server, path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{path}: 3 rows, 3 created, 0 already there\n"
    stock = product(server, lamp)
    assert {(b["ref"], b["purchased"], b["eta"]) for b in stock["batches"]} == {
        (first, 20, None), (second, 5, "2030-01-15")}
    again = run_import(server, path, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {"file": path, "rows": 3, "created": 0, "unchanged": 3,
                                        "refused": [], "imported": True}
    assert purchased(server, rug) == 7


def test_columns_are_named_by_the_header_in_any_order_or_taken_in_the_books_order(server,
                                                                                   tmp_path):
    sku, ref, other = random_sku(), random_batchref(), random_batchref()
    named = write_csv(tmp_path, f"qty,sku,ref\n4,{sku},{ref}\n", "named.csv")
    assert run_import(server, named).returncode == 0
    plain = write_csv(tmp_path, f"{other},{sku},6,2031-02-03\n", "plain.csv")
    assert run_import(server, plain).returncode == 0
    assert {(b["ref"], b["purchased"], b["eta"]) for b in product(server, sku)["batches"]} == {
        (ref, 4, None), (other, 6, "2031-02-03")}


def test_a_file_with_one_bad_row_changes_nothing(server, tmp_path):
    sku = random_sku()
    rows = [f"{random_batchref()},{sku},{qty}," for qty in (1, 2, "three", 4)]
    path = write_csv(tmp_path, "ref,sku,qty,eta\n" + "\n".join(rows) + "\n")
    result = run_import(server, path)
    assert result.returncode == 1
    assert f"{path}, line 4: field 'qty' must be a positive integer" in result.stderr
    assert result.stderr.endswith("1 of 4 rows refused; nothing was imported\n")
    assert product(server, sku) is None


def test_a_row_unlike_the_batch_the_server_has_with_its_ref_changes_nothing(server, tmp_path):
    sku, taken = random_sku(), random_batchref()
    requests.post(f"{server.url}/add_batch", json={"ref": taken, "sku": sku, "qty": 3})
    path = write_csv(tmp_path, f"{random_batchref()},{sku},10,\n{taken},{sku},30,\n")
    result = run_import(server, path, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["refused"] == [
        {"line": 2, "message": f"batch {taken} exists with other values: sku {sku}, qty 3, eta none"}]
    assert purchased(server, sku) == 3


def test_rows_that_cannot_be_read_are_reported_by_line_before_anything_is_sent(server, tmp_path):
    sku, ref = random_sku(), random_batchref()
    path = write_csv(tmp_path, f"ref,sku,qty,eta\n{ref},{sku},1,\n{random_batchref()},{sku}\n"
                               f"{ref},{sku},2,\n")
    result = run_import(server, path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}, line 3: 2 fields where 4 are expected",
        f"{path}, line 4: batch {ref} is also on line 2",
        f"allocation: {path} has 2 rows that cannot be read; nothing was imported"]
    assert product(server, sku) is None


def test_on_error_skip_imports_the_other_rows_and_reports_each_refused_one(server, tmp_path):
    sku, taken = random_sku(), random_batchref()
    requests.post(f"{server.url}/add_batch", json={"ref": taken, "sku": sku, "qty": 3})
    good = [random_batchref() for _ in range(3)]
    path = write_csv(tmp_path, f"ref,sku,qty,eta\n{good[0]},{sku},1,\n{taken},{sku},9,\n"
                               f"{good[1]},{sku},2,2030-02-30\n{good[2]},{sku},4,\n{good[1]},{sku}\n")
    result = run_import(server, path, "--on-error", "skip", "--progress", "none")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{path}: 5 rows, 2 created, 0 already there, 3 refused and skipped\n"
    assert result.stderr.splitlines() == [
        f"{path}, line 3: batch {taken} exists with other values: sku {sku}, qty 3, eta none",
        f"{path}, line 4: field 'eta' must be an ISO date (YYYY-MM-DD) or null",
        f"{path}, line 6: 2 fields where 4 are expected"]
    assert {b["ref"] for b in product(server, sku)["batches"]} == {taken, good[0], good[2]}


def test_an_interrupted_import_run_again_ends_with_each_row_once(server, tmp_path):
    rows, skus = 60_000, [random_sku() for _ in range(50)]
    prefix = random_batchref()
    lines = [f"{prefix}-{i},{skus[i % len(skus)]},{1 + i % 7}," for i in range(rows)]
    path = write_csv(tmp_path, "ref,sku,qty,eta\n" + "\n".join(lines) + "\n")
    importing = subprocess.Popen([BINARY, "import", "--url", server.url, path, "--progress",
                                  "lines", "--connections", "1", "--batch-size", "100"],
                                 stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in importing.stderr:
        if line.startswith("importing:"):
            break
    importing.send_signal(signal.SIGKILL)
    importing.wait()
    again = run_import(server, path, "--json")
    assert again.returncode == 0, again.stderr
    outcome = json.loads(again.stdout)
    assert 0 < outcome["created"] < rows
    assert outcome["created"] + outcome["unchanged"] == rows
    expected = {sku: 0 for sku in skus}
    for i in range(rows):
        expected[skus[i % len(skus)]] += 1 + i % 7
    assert {sku: purchased(server, sku) for sku in skus} == expected


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise(server, tmp_path):
    sku = random_sku()
    path = write_csv(tmp_path, "".join(f"{random_batchref()},{sku},1,\n" for _ in range(50)))
    plain = run_import(server, path)
    assert plain.returncode == 0
    assert plain.stderr.splitlines()[-1].startswith("importing: 50/50 rows (100%), ")
    assert "rows/s" in plain.stderr and "\r" not in plain.stderr
    other = write_csv(tmp_path, "".join(f"{random_batchref()},{sku},1,\n" for _ in range(50)),
                      "other.csv")
    bar = subprocess.run([BINARY, "import", "--url", server.url, other, "--progress", "bar"],
                         capture_output=True, timeout=60)
    assert bar.returncode == 0
    assert b"\rimporting: [" + b"#" * 30 + b"] 50/50 rows (100%)" in bar.stderr
    quiet = run_import(server, path, "--progress", "none")
    assert (quiet.returncode, quiet.stderr) == (0, "")


def test_a_request_the_server_refuses_whole_stops_the_import_with_its_message(server_factory,
                                                                             tmp_path):
    server = server_factory(extra_env={"ALLOCATION_BATCHES_MAX": "2"}).start()
    sku = random_sku()
    path = write_csv(tmp_path, "".join(f"{random_batchref()},{sku},1,\n" for _ in range(3)))
    result = run_import(server, path, "--progress", "none")
    assert result.returncode == 1
    assert result.stderr.startswith("allocation: request body has more than 14 JSON values")
    assert result.stderr.endswith("(HTTP 400); nothing was imported\n")
    assert product(server, sku) is None
    assert run_import(server, path, "--batch-size", "2").returncode == 0
    assert purchased(server, sku) == 3


def test_a_file_that_is_not_there_is_a_usage_error(server, tmp_path):
    result = run_import(server, str(tmp_path / "missing.csv"))
    assert result.returncode == 2
    assert "File does not exist" in result.stderr


def test_a_server_that_cannot_be_reached_exits_3(tmp_path):
    path = write_csv(tmp_path, f"{random_batchref()},{random_sku()},1,\n")
    result = subprocess.run([BINARY, "import", "--url", "http://127.0.0.1:9", "--retries", "0",
                             path], capture_output=True, text=True, timeout=30)
    assert result.returncode == 3
    assert "nothing was imported" in result.stderr
