"""The access tests' world lives in server/testing/world.py, so the benchmarks can build it too."""

from server.testing.world import Place, World, build_world

__all__ = ["Place", "World", "build_world"]
