"""The command line: help, configuration from flags and environment, clear failures."""

import os
import socket
import subprocess
import time

import requests

from conftest import BINARY, Server, free_port


def run(*args, env=None, cwd=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, **(env or {})), cwd=cwd)


def test_help_on_every_command():
    for args in (["--help"], ["serve", "--help"]):
        result = run(*args)
        assert result.returncode == 0
        assert "Usage" in result.stdout or "Usage" in result.stderr


def test_serve_help_names_flags_and_their_environment_variables():
    out = run("serve", "--help").stdout
    for text in ("--listen", "ALLOCATION_LISTEN", "--database", "ALLOCATION_DATABASE"):
        assert text in out


def test_a_bad_flag_is_one_line_and_nonzero():
    result = run("serve", "--no-such-flag")
    assert result.returncode == 2
    assert "--no-such-flag" in result.stderr
    assert result.stderr.count("\n") == 1


def test_every_usage_problem_is_one_line_naming_it_and_exit_code_2():
    for args, named in [(["serve", "--connections-max", "abc"], "--connections-max"),
                        (["serve", "--auth", "maybe"], "--auth"),
                        (["serve", "--log-level", "loud"], "--log-level"),
                        (["token", "create", "--role", "reader"], "--name"),
                        ([], "subcommand")]:
        result = run(*args)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("allocation: ") and named in result.stderr, result.stderr


def test_an_unknown_command_is_named_with_the_commands_there_are():
    result = run("frobnicate")
    assert result.returncode == 2
    assert result.stderr == ("allocation: unknown command 'allocation frobnicate' (the commands: "
                             "serve, token, audit, migrate, check, client, import, completion); see allocation --help\n")
    nested = run("token", "frob")
    assert nested.returncode == 2
    assert "unknown command 'allocation token frob' (the commands: create, list, revoke)" in nested.stderr


def test_a_bad_environment_variable_is_named_with_its_flag():
    result = run("serve", env={"ALLOCATION_CONNECTIONS_MAX": "abc"})
    assert result.returncode == 2
    assert result.stderr.startswith("allocation: ALLOCATION_CONNECTIONS_MAX (--connections-max): ")
    given = run("serve", "--connections-max", "abc", env={"ALLOCATION_CONNECTIONS_MAX": "5"})
    assert given.stderr.startswith("allocation: --connections-max: ")


def test_log_lines_name_their_level_as_the_flag_does(tmp_path):
    server = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{free_port()}",
                               "--database", f"sqlite:///{tmp_path}/a.db", "--log-level", "warn",
                               "--redis", "redis://127.0.0.1:1"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert " level=warn msg=" in line, line


def test_a_bad_listen_address_names_the_problem():
    result = run("serve", "--listen", "nonsense")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "HOST:PORT" in result.stderr


def test_an_unreadable_database_path_names_the_problem(tmp_path):
    result = run("serve", "--listen", f"127.0.0.1:{free_port()}",
                 "--database", f"sqlite:///{tmp_path}/missing-dir/x.db")
    assert result.returncode == 1
    assert result.stderr.startswith("allocation: cannot open database")
    assert result.stderr.strip().count("\n") == 0


def test_an_unsupported_database_url_names_the_problem():
    result = run("serve", "--database", "mysql://x")
    assert result.returncode == 1
    assert "unsupported database URL" in result.stderr


def test_a_busy_port_names_the_address(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--listen", f"127.0.0.1:{port}",
                     "--database", f"sqlite:///{tmp_path}/x.db")
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("allocation: ")


def test_environment_variables_configure_serve(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [BINARY, "serve"], stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, ALLOCATION_LISTEN=f"127.0.0.1:{port}",
                 ALLOCATION_DATABASE=f"sqlite:///{tmp_path}/env.db"))
    try:
        server = Server(str(tmp_path / "env.db"), port=port)
        for _ in range(100):
            try:
                assert requests.get(f"{server.url}/healthz", timeout=1).ok
                break
            except requests.ConnectionError:
                import time
                time.sleep(0.05)
        assert (tmp_path / "env.db").exists()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=15)
    assert "level=info" in err and 'msg="listening"' in err


def test_default_database_lives_under_data(tmp_path):
    port = free_port()
    process = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{port}"],
                               cwd=tmp_path, stderr=subprocess.DEVNULL)
    try:
        import time
        for _ in range(100):
            if (tmp_path / "data" / "allocation.db").exists():
                break
            time.sleep(0.05)
        assert (tmp_path / "data" / "allocation.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_server_threads_are_named_for_top_and_perf(server_factory):
    server = server_factory().start()
    task_directory = f"/proc/{server.process.pid}/task"
    expected = {"writer", "acknowledger", "checkpointer", "reader"}
    deadline = time.monotonic() + 5
    while True:
        names = set()
        for task in os.listdir(task_directory):
            with open(f"{task_directory}/{task}/comm") as comm:
                names.add(comm.read().strip())
        # A thread names itself once it runs, which may be just after the server answers.
        if expected <= names or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert expected <= names


def test_the_access_log_can_be_turned_off(server_factory):
    server = server_factory(extra_env={"ALLOCATION_ACCESS_LOG_LEVEL": "off"}).start()
    r = requests.get(f"{server.url}/healthz")
    assert r.status_code == 200
    server.terminate()
    assert 'msg="request"' not in server.logs()


def complete(script, *words):
    """What bash completion offers after `allocation WORDS...`, the last word being typed."""
    line = " ".join(["allocation", *words])
    result = subprocess.run(
        ["bash", "-c", f'source "$1"; COMP_WORDS=({line}); COMP_CWORD={len(words)}; _allocation; '
                       'printf "%s\\n" "${COMPREPLY[@]}"', "complete", script],
        capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_bash_completion_offers_every_command_and_its_flags(tmp_path):
    script = tmp_path / "allocation.bash"
    script.write_text(run("completion").stdout)
    verbs = ["add-batch", "change-quantity", "change-eta", "allocate", "allocations", "place",
             "confirm", "cancel", "ship", "order", "product", "products", "health", "ready",
             "metrics"]
    assert set(complete(script, "")) >= {"serve", "token", "audit", "migrate", "check", "client",
                                         "completion", "--help", "--version"}
    assert complete(script, "to") == ["token"]
    assert complete(script, "token", "") == ["create", "list", "revoke", "--help"]
    assert set(complete(script, "token", "create", "--")) >= {"--database", "--role", "--name"}
    assert set(complete(script, "serve", "--")) >= {"--listen", "--database", "--redis", "--auth"}
    assert set(complete(script, "client", "")) >= set(verbs) | {"--url", "--token", "--json"}
    assert complete(script, "client", "--url", "http://h:1", "pla") == ["place"]
    assert set(complete(script, "client", "place", "--")) >= {"--hold", "--dry-run", "--url"}
    for verb in verbs:
        assert "--token" in complete(script, "client", verb, "--"), verb
