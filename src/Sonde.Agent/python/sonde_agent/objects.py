"""Object growth for `sonde mem --objects`: counts of the objects the collector tracks, by type, as pympler and
objgraph take them, and one reference chain from a module's globals to an instance of the type that grew the
most, as objgraph's backrefs show it."""
import gc
import struct
import sys
import time

from . import wire

# Object counts (--objects) walk every tracked object: spaced by their cost, at least this far apart.
OBJECTS_SECONDS = 5.0
# gc.get_referrers() walks every tracked object too: the search for a reference chain makes at most this many.
CHAIN_BUDGET = 60
CHAIN_DEPTH = 12



class Census:
    def __init__(self):
        self.first_objects = None
        self.last_objects = None

    def count(self):
        """Counts the objects the collector tracks, and their sizes, by type: an OBJECT_COUNTS frame."""
        counts = {}
        getsizeof = sys.getsizeof
        objects = gc.get_objects()
        for item in objects:
            kind = type(item)
            entry = counts.get(kind)
            if entry is None:
                counts[kind] = [1, getsizeof(item, 0)]
            else:
                entry[0] += 1
                entry[1] += getsizeof(item, 0)
        del objects
        if self.first_objects is None:
            self.first_objects = counts
        self.last_objects = counts
        # Distinct types can share a name (classes made in a function, ctypes' function types): one row per name.
        by_name = {}
        for kind, (count, size) in counts.items():
            name = _type_name(kind)
            known = by_name.get(name)
            by_name[name] = (count, size) if known is None else (known[0] + count, known[1] + size)
        body = [struct.pack("<qI", time.time_ns(), len(by_name))]
        for name, (count, size) in by_name.items():
            body.append(wire.text(name) + struct.pack("<qq", count, size))
        return wire.frame(wire.OBJECT_COUNTS, b"".join(body))

    def chain(self):
        """One reference chain, from a module's globals, to an object of the type that grew the most: an
        OBJECT_CHAIN frame, or None when no type grew."""
        first, last = self.first_objects, self.last_objects
        growth = sorted(((count - first.get(kind, (0, 0))[0], _type_name(kind), kind) for kind, (count, _) in last.items()),
                        key=lambda g: (-g[0], g[1]))
        if not growth or growth[0][0] <= 0:
            return None
        kind = growth[0][2]
        target = None
        for item in reversed(gc.get_objects()):
            if type(item) is kind:
                target = item
                break
        if target is None:
            return None
        roots = {}
        for name, module in list(sys.modules.items()):
            namespace = getattr(module, "__dict__", None)
            if namespace is not None:
                roots[id(namespace)] = name
        mine = set()
        parents = {id(target): None}
        queue = [target]
        mine.update((id(parents), id(queue), id(mine), id(roots)))
        budget = CHAIN_BUDGET
        found = None
        depth = 0
        while queue and found is None and budget > 0 and depth < CHAIN_DEPTH:
            depth += 1
            level, queue = queue, []
            mine.add(id(level))
            mine.add(id(queue))
            for child in level:
                if budget <= 0 or found is not None:
                    break
                budget -= 1
                referrers = gc.get_referrers(child)
                mine.add(id(referrers))
                for referrer in referrers:
                    key = id(referrer)
                    if key in parents or key in mine or _is_frame(referrer):
                        continue
                    parents[key] = (referrer, child)
                    if key in roots:
                        found = referrer
                        break
                    queue.append(referrer)
                del referrers
        if found is None:
            return _chain_frame(_type_name(kind), [])
        steps = ["module " + roots[id(found)]]
        node = found
        while True:
            link = parents.get(id(node))
            if link is None:
                break
            holder, child = parents[id(node)][0], parents[id(node)][1]
            steps.append(_edge(holder, child))
            node = child
            if node is target:
                break
        steps.append(_type_name(kind))
        return _chain_frame(_type_name(kind), steps)


def _chain_frame(kind, steps):
    return wire.frame(wire.OBJECT_CHAIN, wire.text(kind) + struct.pack("<H", len(steps)) + b"".join(wire.text(step) for step in steps))


def _type_name(kind):
    module = getattr(kind, "__module__", "builtins")
    name = getattr(kind, "__qualname__", kind.__name__)
    return name if module == "builtins" else module + "." + name


def _is_frame(item):
    return type(item).__name__ == "frame"


def _edge(holder, child):
    """How `holder` refers to `child`: a key, an index or an attribute, after the holder's type."""
    if isinstance(holder, dict):
        for key, value in holder.items():
            if value is child:
                return "%s[%s]" % (_type_name(type(holder)), _short(key))
    elif isinstance(holder, (list, tuple)):
        for index, value in enumerate(holder):
            if value is child:
                return "%s[%d]" % (_type_name(type(holder)), index)
    else:
        namespace = getattr(holder, "__dict__", None)
        if isinstance(namespace, dict):
            for key, value in namespace.items():
                if value is child:
                    return "%s.%s" % (_type_name(type(holder)), key)
    return _type_name(type(holder))


def _short(key):
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."
