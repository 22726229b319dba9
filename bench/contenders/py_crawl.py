"""A Python ThreadPoolExecutor fetching every URL with urllib, as a new user would write it.

Prints `url<TAB>status<TAB>bytes` a URL, in input order. With `retry`, a 429 or 503 waits its
Retry-After (seconds; 1 s without one) and tries again, up to 100 tries.

usage: python3 py_crawl.py FILE WORKERS [retry]
"""
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

# no proxy from the environment: the case's hosts are on loopback
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
MAX_TRIES = 100


def get(url, retry):
    for tries in range(1, MAX_TRIES + 1):
        try:
            with OPENER.open(url) as res:
                return f"{url}\t{res.status}\t{len(res.read())}"
        except urllib.error.HTTPError as e:
            e.read()
            if not retry or e.code not in (429, 503) or tries == MAX_TRIES:
                return f"{url}\t{e.code}\t0"
            time.sleep(float(e.headers.get("Retry-After") or 1))


if __name__ == "__main__":
    path, workers = sys.argv[1], int(sys.argv[2])
    retry = len(sys.argv) > 3 and sys.argv[3] == "retry"
    with open(path) as f:
        urls = [line.rstrip("\n") for line in f if line.strip()]
    with ThreadPoolExecutor(workers) as pool:
        sys.stdout.writelines(line + "\n" for line in pool.map(lambda u: get(u, retry), urls))
