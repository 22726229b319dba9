"""joblib Parallel(n_jobs=2, batch_size='auto'), as a generator when this joblib has return_as (>= 1.3).

usage: python3 py_joblib.py FILE
"""
import inspect
import sys

from joblib import Parallel, delayed


def square(line):
    x = int(line)
    return str(x * x)


if __name__ == "__main__":
    kwargs = {}
    if "return_as" in inspect.signature(Parallel).parameters:
        kwargs["return_as"] = "generator"
    with open(sys.argv[1]) as f:
        results = Parallel(n_jobs=2, batch_size="auto", **kwargs)(delayed(square)(line) for line in f)
        sys.stdout.writelines(r + "\n" for r in results)
