"""multiprocessing.Pool(2).imap with a given chunksize, results in input order.

usage: python3 py_pool.py FILE CHUNKSIZE
"""
import sys
from multiprocessing import Pool


def square(line):
    x = int(line)
    return str(x * x)


if __name__ == "__main__":
    path, chunksize = sys.argv[1], int(sys.argv[2])
    with open(path) as f, Pool(2) as pool:
        sys.stdout.writelines(r + "\n" for r in pool.imap(square, f, chunksize))
