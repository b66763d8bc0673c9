"""The package's import layers: imports go down the table below, and no two modules import each other.

Every module of crossagent/ and modeling_crossagent/ is parsed with `ast`; every import counts, including
those inside functions (a lazy import still ties the two modules together). A module may import its own
package and any lower layer; packages on one layer may import each other, but neither modules nor
packages may form a cycle.
"""

import ast
import pathlib

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]
ROOTS = ("crossagent", "modeling_crossagent")

# Low to high. An entry names a module or a package (all of its submodules). The root `crossagent`
# entry is the package's __init__ only; its other root modules are listed one by one.
LAYERS = (
    ("modeling_crossagent",),  # copied into each saved model: imports nothing of crossagent
    ("crossagent", "crossagent.environment", "crossagent.files", "crossagent.presets", "crossagent.cards"),
    ("crossagent.sim",),
    ("crossagent.envs", "crossagent.executors"),
    ("crossagent.tasks", "crossagent.models"),
    ("crossagent.agents", "crossagent.rollout"),
    ("crossagent.datasets", "crossagent.training", "crossagent.evaluation"),
    ("crossagent.pipeline", "crossagent.pipeline_stages", "crossagent.pipeline_report"),  # all pipeline*
    ("crossagent.commands", "crossagent.cli"),
)
LAYER_OF = {unit: level for level, units in enumerate(LAYERS) for unit in units}


def module_name(path: pathlib.Path, root: pathlib.Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def find_modules(root: pathlib.Path = REPO_ROOT) -> dict[str, pathlib.Path]:
    """Dotted module name -> source file, for every module under ROOTS."""
    return {
        module_name(path, root): path
        for top in ROOTS
        for path in sorted((root / top).rglob("*.py"))
    }  # fmt: skip


def imported_names(source: str, module: str, is_package: bool) -> set[str]:
    """Every dotted name `module`'s source imports (relative imports resolved); `from a import b` gives
    `a.b`, which `resolve` maps to the module `a.b` or, when `b` is a name defined in `a`, to `a`."""
    package = module if is_package else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def resolve(name: str, modules) -> str | None:
    """The most specific known module `name` lands on (an attribute import lands on its module)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph(modules: dict[str, pathlib.Path]) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (self-imports dropped)."""
    graph = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        targets = {resolve(name, modules) for name in imported_names(path.read_text(), module, is_package)}
        graph[module] = {target for target in targets if target and target != module}
    return graph


def unit_of(module: str) -> str | None:
    """The layer-table entry a module belongs to (the root entry `crossagent` covers its __init__ only)."""
    name = module
    while name:
        if name in LAYER_OF and (name != "crossagent" or module == "crossagent"):
            return name
        name = name.rpartition(".")[0]
    return None


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Modules missing from the layer table, and imports from a lower layer to a higher one."""
    problems = [
        f"{module} is in no layer: add it (or its package) to LAYERS in tests/test_layers.py"
        for module in sorted(graph)
        if unit_of(module) is None
    ]
    for module in sorted(graph):
        source = unit_of(module)
        for target in sorted(graph[module]):
            destination = unit_of(target)
            if source and destination and LAYER_OF[destination] > LAYER_OF[source]:
                problems.append(
                    f"{module} (layer {LAYER_OF[source]}) imports {target} (layer {LAYER_OF[destination]}): "
                    "an import may only go down the layers"
                )
    return problems


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of two or more nodes, as [a, b, ..., a]."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []

    def connect(node):  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [shortest_cycle(graph, component) for component in components]


def shortest_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first node, found breadth first inside the component."""
    start = min(component)
    parents, frontier = {start: None}, [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    path = [node]
                    while parents[path[-1]] is not None:
                        path.append(parents[path[-1]])
                    return [*reversed(path), start]
                if target not in parents:
                    parents[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError("a strongly connected component always holds a cycle")


def unit_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph collapsed onto the layer table's entries (packages), edges within one dropped."""
    units = {}
    for module, targets in graph.items():
        source = unit_of(module)
        if source is None:
            continue
        units.setdefault(source, set()).update(
            unit_of(target) for target in targets if unit_of(target) not in (None, source)
        )
    return units


def cycle_problems(graph: dict[str, set[str]]) -> list[str]:
    return [f"import cycle between modules: {' -> '.join(cycle)}" for cycle in find_cycles(graph)] + [
        f"import cycle between packages: {' -> '.join(cycle)}" for cycle in find_cycles(unit_graph(graph))
    ]


@pytest.fixture(scope="module")
def graph():
    return import_graph(find_modules())


def test_the_graph_sees_the_package(graph):
    assert "crossagent.rollout.loop" in graph
    assert "crossagent.executors.dispatch" in graph["crossagent.rollout.loop"]
    assert "modeling_crossagent.action_spaces" in graph["modeling_crossagent.action_parsing"]  # relative


def test_imports_only_go_down_the_layers(graph):
    problems = layer_violations(graph)
    assert not problems, "\n".join(problems)


def test_no_import_cycles(graph):
    problems = cycle_problems(graph)
    assert not problems, "\n".join(problems)


def test_modeling_crossagent_imports_nothing_of_crossagent(graph):
    leaks = {
        module: sorted(target for target in targets if not target.startswith("modeling_crossagent"))
        for module, targets in graph.items()
        if module.startswith("modeling_crossagent")
    }
    assert not {module: targets for module, targets in leaks.items() if targets}


# The checker itself, on synthetic graphs: it must be able to fail.


def test_checker_catches_an_upward_import():
    graph = {"crossagent.sim.world": {"crossagent.rollout.loop"}, "crossagent.rollout.loop": set()}
    (problem,) = layer_violations(graph)
    assert "crossagent.sim.world (layer 2) imports crossagent.rollout.loop (layer 5)" in problem


def test_checker_catches_a_module_outside_the_table():
    (problem,) = layer_violations({"crossagent.somewhere_new": set()})
    assert "crossagent.somewhere_new is in no layer" in problem


def test_checker_allows_downward_and_same_package_imports():
    graph = {
        "crossagent.rollout.loop": {
            "crossagent.rollout.records",
            "crossagent.executors.dispatch",
            "crossagent",
        },
        "crossagent.rollout.records": set(),
        "crossagent.executors.dispatch": set(),
        "crossagent": set(),
    }
    assert layer_violations(graph) == []
    assert cycle_problems(graph) == []


def test_checker_catches_a_cycle_and_names_its_modules():
    graph = {
        "crossagent.executors.base": {"crossagent.executors.raw"},
        "crossagent.executors.raw": {"crossagent.executors.cost"},
        "crossagent.executors.cost": {"crossagent.executors.base"},
        "crossagent.executors.skill": {"crossagent.executors.base"},
    }
    assert cycle_problems(graph) == [
        "import cycle between modules: crossagent.executors.base -> crossagent.executors.raw"
        " -> crossagent.executors.cost -> crossagent.executors.base"
    ]


def test_checker_catches_a_cycle_between_same_layer_packages():
    graph = {"crossagent.envs.minesim_env": {"crossagent.executors.raw"}, "crossagent.executors.raw": set()}
    assert cycle_problems(graph) == []
    graph["crossagent.executors.skill"] = {"crossagent.envs.minesim_env"}
    graph["crossagent.executors.raw"] = {"crossagent.envs"}
    graph["crossagent.envs"] = set()
    assert cycle_problems(graph) == [
        "import cycle between packages: crossagent.envs -> crossagent.executors -> crossagent.envs"
    ]


def test_relative_imports_are_resolved():
    source = "from .action_spaces import parse\nfrom . import grammar\n"
    names = imported_names(source, "modeling_crossagent.action_parsing", is_package=False)
    assert names == {"modeling_crossagent.action_spaces.parse", "modeling_crossagent.grammar"}
    modules = {"modeling_crossagent", "modeling_crossagent.action_spaces", "modeling_crossagent.grammar"}
    assert {resolve(name, modules) for name in names} == modules - {"modeling_crossagent"}
    names = imported_names("from ..sim import world\n", "crossagent.envs", is_package=True)
    assert names == {"crossagent.sim.world"}


def test_lazy_imports_inside_functions_count():
    source = "def f():\n    from crossagent.executors.raw import no_op_env\n"
    names = imported_names(source, "crossagent.executors.base", is_package=False)
    assert names == {"crossagent.executors.raw.no_op_env"}
