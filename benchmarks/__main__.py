"""Run every benchmark; one JSON object per line on stdout."""

from benchmarks import api_get_checkpoint

BENCHMARKS = (api_get_checkpoint,)

if __name__ == "__main__":
    for benchmark in BENCHMARKS:
        benchmark.run()
