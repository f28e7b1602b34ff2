"""For test scripts that need a Python package from one of bootstrap's virtualenvs."""
import os
import sys


def in_venv(module, venv):
    """Re-runs the calling script with the Python of build/_deps/<venv> when `module` is not
    importable here (ctest starts the scripts with the system Python)."""
    try:
        __import__(module)
        return
    except ImportError:
        pass
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    prefix = os.path.join(root, "build", "_deps", venv)
    python = os.path.join(prefix, "bin", "python")
    if os.path.exists(python) and os.path.abspath(sys.prefix) != prefix:
        os.execv(python, [python] + sys.argv)
    sys.exit(f"{os.path.basename(sys.argv[0])}: needs the Python module {module} "
             f"(scripts/bootstrap installs it into build/_deps/{venv})")
