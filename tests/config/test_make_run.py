"""`make run`: honcho gives each process its own PORT (the worker's is the web's + 100), so the
links the worker renders into messages take the web's address from SHOP_BASE_URL, set once."""

import os
import shutil
import subprocess

import pytest

from tests.support.services import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_gives_every_process_the_webs_address_for_the_links_in_messages():
    env = {key: value for key, value in os.environ.items() if key != "SHOP_BASE_URL"}

    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    start = dry_run.stdout.split("SHOP_BASE_URL=", 1)[1]
    assert start.startswith('"${SHOP_BASE_URL:-http://127.0.0.1:8123}" PORT=8123')
    assert "honcho --procfile Procfile.local start" in start
