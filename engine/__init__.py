"""Errata's rule engine: name the network, TLS or API error behind a pasted log.

Pure standard library (PyYAML only when reading YAML rule files), so the same
code runs on CPython and under Pyodide in the browser.
"""

from .match import MATCH_THRESHOLD, Catalog, Diagnosis, analyse, diagnose
from .model import Evidence, Match, Pattern, Rule

__all__ = [
    "MATCH_THRESHOLD",
    "SITE_URL",
    "Catalog",
    "Diagnosis",
    "Evidence",
    "Match",
    "Pattern",
    "Rule",
    "__version__",
    "analyse",
    "diagnose",
]

__version__ = "0.1.0"

# Where the hosted site lives; the CLI prints page addresses under it. A copy of
# mkdocs.yml's site_url, which the installed package cannot read; tests/test_build.py
# fails when the two drift apart.
SITE_URL = "https://errata-dev.github.io/errata/"
