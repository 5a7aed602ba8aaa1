"""The setup pages' rows of the console access table, one module per page group."""

from tests.access.setup import (
    audit,
    checkpoints,
    handhelds,
    inspection_templates,
    notify,
    people,
    routes,
    schedules,
    setup,
    sites,
    tags,
    wand_imports,
)

MODULES = (
    setup,
    sites,
    checkpoints,
    tags,
    routes,
    schedules,
    inspection_templates,
    handhelds,
    people,
    notify,
    audit,
    wand_imports,
)
SETUP_PAGES = [page for module in MODULES for page in module.PAGES]
