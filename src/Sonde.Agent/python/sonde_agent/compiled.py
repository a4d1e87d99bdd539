"""The agent's compiled extension modules (src/Sonde.Agent/native), one per CPython minor version, shipped in
the agent's native/ directory beside this package. Each is optional: without it (no C compiler where Sonde was built, or
SONDE_NO_NATIVE=1 in the environment) the agent does the same work in Python, more slowly."""
import os
import sys

_loaded = {}


def load(name):
    """The module `name` built for this Python, or None."""
    if name in _loaded:
        return _loaded[name]
    module = None
    agent_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(agent_dir, "native", "%s_%d%d.so" % (name, sys.version_info[0], sys.version_info[1]))
    if not os.environ.get("SONDE_NO_NATIVE") and os.path.exists(path):
        try:
            from importlib.machinery import ExtensionFileLoader
            from importlib.util import module_from_spec, spec_from_file_location
            loader = ExtensionFileLoader(name, path)
            module = module_from_spec(spec_from_file_location(name, path, loader=loader))
            loader.exec_module(module)
        except Exception:
            module = None
    _loaded[name] = module
    return module
