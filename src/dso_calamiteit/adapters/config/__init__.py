"""The configuration files: finding them (finding.py), reading YAML with its line numbers (yamlfile.py),
validating them (validation.py, and rules/ for what a type cannot say, one module per file kind), and the cache
of validated sets (cache.py); loading.py puts these together.

Each file is looked up on its own along: --config-dir or CALAMITEIT_CONFIG_DIR, the current folder, the
user's config folder, the shipped defaults. What the rest of the package needs is importable from here.
"""

from .cache import cache_dir
from .finding import FILES, Source, locate, shipped_dir, shown, user_config_dir
from .loading import Config, load

__all__ = ["FILES", "Config", "Source", "cache_dir", "load", "locate", "shipped_dir", "shown", "user_config_dir"]
