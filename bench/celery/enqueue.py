"""Enqueues COUNT deliveries of a 300-byte JSON message to URL, one `delay` each (what an
application does per message); run.sh then waits for the receiver to have them all."""
import json
import sys
import time

from tasks import deliver

count, url = int(sys.argv[1]), sys.argv[2]
body = json.dumps({"payload": {"n": 0, "data": "x" * 260}})
start = time.monotonic()
for n in range(count):
    deliver.delay(url, body)
enqueued = time.monotonic()
print(f"enqueued {count} in {enqueued - start:.2f} s: {count / (enqueued - start):.0f}/s", flush=True)
