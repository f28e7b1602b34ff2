"""A throwaway PostgreSQL server for peer tests: Debian's server binaries, a fresh cluster in a
temporary directory, listening on 127.0.0.1 only, trust authentication, stopped (and deleted) on
exit.

    with PgServer() as pg:          # pg.port, pg.user; pg.createdb("name")
        ...

As root the cluster runs as the `postgres` system user (initdb refuses root).
"""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def _bindir():
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(cand, "initdb")):
            return cand
    return None


def available():
    return _bindir() is not None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.bindir = _bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin); "
                               "scripts/bootstrap installs the `postgresql` package")
        self.root = os.geteuid() == 0
        self.user = "postgres" if self.root else os.environ.get("USER", "postgres")
        self.dir = tempfile.mkdtemp(prefix="floe-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()

    def _run(self, args, **kw):
        cmd = [os.path.join(self.bindir, args[0])] + args[1:]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)

    def __enter__(self):
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(["initdb", "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8",
                   "--locale=C"])
        self._run(["pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-o",
                   f"-p {self.port} -h 127.0.0.1 -k {self.dir} -c fsync=off", "start"])
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start")

    def psql(self, sql, db="postgres"):
        return self._run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d",
                          db, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]).stdout

    def createdb(self, name):
        self.psql(f'drop database if exists "{name}"')
        self.psql(f'create database "{name}"')

    def __exit__(self, *exc):
        try:
            self._run(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
