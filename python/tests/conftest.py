"""Shared fixtures: JAX in double precision (set before DiffeRT2d is
imported), the drt2d command-line tool the C build made, scratch files."""

import os
import subprocess

import pytest

import jax

jax.config.update("jax_enable_x64", True)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def cli():
    """Runs the drt2d executable (DRT2D_CLI, default build/drt2d of this
    checkout) and returns its standard output."""
    path = os.environ.get("DRT2D_CLI", os.path.join(REPO, "build", "drt2d"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path}: the drt2d tool is needed to compare against; "
                    "build it (scripts/build.sh) or set DRT2D_CLI")

    def run(*args, stdin=None):
        done = subprocess.run([path, *map(str, args)], input=stdin,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError(f"drt2d {' '.join(map(str, args))}: exit "
                                 f"{done.returncode}: {done.stderr}")
        return done.stdout
    return run


@pytest.fixture(scope="session")
def ref():
    """The serial reference evaluator, double precision, shared."""
    import drt2d
    return drt2d.Context("ref")
