"""Python's own floor: a serial loop over the file.

usage: python3 py_serial.py FILE
"""
import sys


def square(line):
    x = int(line)
    return str(x * x)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        sys.stdout.writelines(square(line) + "\n" for line in f)
