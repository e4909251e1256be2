"""Build hook: ship the project folders with the package.

``experiments/``, ``paper_figs/`` and ``proofs_checks/`` live at the repository root (they are
the project's specs, figure scripts and lemma checks, not library code). A plain
``pip install .`` copies them into the installed package as ``mdpsim/_project/<folder>`` so
that ``mdpsim quickstart``, ``mdpsim run NAME``, ``figs`` and ``check`` work from any
directory (``mdpsim.experiment.paths`` looks there last). Everything else is configured in
``pyproject.toml``.
"""
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent
FOLDERS = ("experiments", "paper_figs", "proofs_checks")


class BuildWithProjectFolders(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return                  # an editable install finds the folders in the checkout
        dest = pathlib.Path(self.build_lib) / "mdpsim" / "_project"
        for name in FOLDERS:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, dest / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("results", "__pycache__",
                                                              "*.pyc", "*.nb[ic]"))


setup(cmdclass={"build_py": BuildWithProjectFolders})
