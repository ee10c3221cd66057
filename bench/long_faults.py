#!/usr/bin/env python3
"""The fault suite's long runs, on the real binaries over loopback (see docs/RELIABILITY.md).

  kills N   -- kill -9 the server at N random moments while a client keeps posting; restart it
               each time; at the end every accepted message must have arrived.
  soak MIN RATE -- post RATE messages a second for MIN minutes, sampling the server's resident
               memory (VmRSS from /proc) every 10 s; every accepted message must arrive.
  sinkdown S -- post 100 messages a second while the receiver is down for S seconds; nothing
               may be lost, and the backlog must drain once it is back.

The client logs each accepted id (a 202 only); the sink counts deliveries per webhook-id.
Every wait is bounded. Usage: bench/long-faults.sh kills 20 | soak 10 200 | sinkdown 60
"""
import http.client, json, os, random, signal, subprocess, sys, tempfile, threading, time

BIN = os.environ["HERALD_BIN"]
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KEY, ADMIN = "long-faults-key", "long-faults-admin"
SERVER_PORT, SINK_PORT = 18391, 18392
WORK = tempfile.mkdtemp(prefix="herald-long-")
ENV = dict(os.environ, HERALD_API_KEY=KEY, HERALD_ADMIN_KEY=ADMIN, HERALD_WEBHOOK_SECRET=SECRET, HERALD_LOG_LEVEL="warning",
           HERALD_WEBHOOK_URL=f"http://127.0.0.1:{SINK_PORT}/hook", HERALD_ALLOWED_NETWORKS="127.0.0.0/8",
           HERALD_LEASE_DURATION="12s", HERALD_RETRY_SCHEDULE="200ms,500ms,1s,2s,2s,2s,2s,2s,2s,2s")


def request(method, port, path, body=None, timeout=10, key=KEY):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)


def wait_for(check, limit, every=0.2):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if check():
                return True
        except OSError:
            pass
        time.sleep(every)
    return False


def start_server():
    log = open(os.path.join(WORK, "serve.log"), "a")
    process = subprocess.Popen([BIN, "serve", "--port", str(SERVER_PORT), "--database", os.path.join(WORK, "herald.sqlite")],
                               env=ENV, stdout=log, stderr=log)
    if not wait_for(lambda: request("GET", SERVER_PORT, "/health")[0] == 200, 60, 0.05):
        sys.exit("herald serve did not start; see " + log.name)
    return process


def start_sink():
    process = subprocess.Popen([BIN, "sink", "--port", str(SINK_PORT), "--secret", SECRET, "--log-level", "warning"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: request("GET", SINK_PORT, "/stats")[0] == 200, 30, 0.05)
    return process


class Client:
    """Posts messages from a few threads at `rate` a second (None: as fast as answered)."""

    def __init__(self, rate=None, threads=4):
        self.accepted, self.refused, self.lock, self.stopping = [], 0, threading.Lock(), False
        self.rate, self.threads = rate, [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def run(self):
        interval = len(self.threads) / self.rate if self.rate else 0
        next_at = time.time()
        while not self.stopping:
            try:
                status, body = request("POST", SERVER_PORT, "/api/v1/messages", {"channel": "webhook", "content": "long run"}, timeout=5)
                with self.lock:
                    if status == 202:
                        self.accepted.append(body["id"])
                    else:
                        self.refused += 1
            except OSError:
                time.sleep(0.05)  # the server is down: no 202, nothing to account for
            if interval:
                next_at += interval
                time.sleep(max(0, next_at - time.time()))

    def stop(self):
        self.stopping = True
        for thread in self.threads:
            thread.join(10)


def settle(client, limit=300, earlier=None):
    """Waits until every accepted id arrived (at this sink, or at an `earlier` one), then reports."""
    accepted, earlier = set(client.accepted), earlier or {}

    def deliveries():
        merged = dict(earlier)
        for id, count in request("GET", SINK_PORT, "/deliveries")[1].items():
            merged[id] = merged.get(id, 0) + count
        return merged

    arrived = wait_for(lambda: set(deliveries()) >= accepted, limit, 1)
    deliveries = deliveries()
    missing = accepted - set(deliveries)
    twice = sum(1 for id in accepted if deliveries.get(id, 0) > 1)
    stats = request("GET", SINK_PORT, "/stats")[1]
    print(f"accepted {len(accepted)}; arrived {len(accepted) - len(missing)}; missing {len(missing)}; "
          f"delivered twice {twice}; invalid signatures {stats['invalid_signatures']}; non-202 answers {client.refused}")
    return arrived and not missing and stats["invalid_signatures"] == 0


def kills(count):
    sink, server = start_sink(), start_server()
    client = Client()
    for number in range(1, count + 1):
        time.sleep(random.uniform(1, 4))
        server.send_signal(signal.SIGKILL)
        server.wait()
        print(f"kill -9 #{number} with {len(client.accepted)} accepted so far", flush=True)
        server = start_server()
    time.sleep(2)
    client.stop()
    ok = settle(client)
    server.terminate(); server.wait(); sink.terminate()
    return ok


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def soak(minutes, rate):
    sink, server = start_sink(), start_server()
    print(f"idle: {rss_kib(server.pid) / 1024:.1f} MiB", flush=True)
    client = Client(rate=rate)
    samples, started = [], time.time()
    while time.time() - started < minutes * 60:
        time.sleep(10)
        samples.append(rss_kib(server.pid) / 1024)
        print(f"{time.time() - started:5.0f} s: {samples[-1]:.1f} MiB, {len(client.accepted)} accepted", flush=True)
    client.stop()
    ok = settle(client)
    warm = samples[len(samples) // 5:] or samples
    print(f"resident memory after warm-up: first {warm[0]:.1f} MiB, min {min(warm):.1f}, max {max(warm):.1f}, last {warm[-1]:.1f} "
          f"({len(client.accepted) / (minutes * 60):.0f} messages/s offered and accepted)")
    server.terminate(); server.wait(); sink.terminate()
    return ok


def sinkdown(seconds):
    # Retries spread over longer than the receiver is down (the default schedule spans hours).
    ENV["HERALD_RETRY_SCHEDULE"] = ",".join(["1s", "2s", "4s", "8s"] + ["15s"] * (int(seconds) // 15 + 2))
    sink, server = start_sink(), start_server()
    client = Client(rate=100)
    time.sleep(5)
    # Paused a moment so no delivery is in flight while this sink's count is read and it stops.
    request("POST", SERVER_PORT, "/api/v1/scheduler/stop", key=ADMIN)
    time.sleep(2)
    earlier = request("GET", SINK_PORT, "/deliveries")[1]
    sink.terminate(); sink.wait()
    request("POST", SERVER_PORT, "/api/v1/scheduler/start", key=ADMIN)
    print(f"receiver down for {seconds:.0f} s with {len(client.accepted)} accepted", flush=True)
    time.sleep(seconds)
    sink = start_sink()
    back = time.time()
    time.sleep(5)
    client.stop()
    ok = settle(client, earlier=earlier)
    print(f"backlog drained {time.time() - back:.0f} s after the receiver came back")
    server.terminate(); server.wait(); sink.terminate()
    return ok


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "kills"
    argument = sys.argv[2] if len(sys.argv) > 2 else None
    if mode == "kills":
        ok = kills(int(argument or 20))
    elif mode == "sinkdown":
        ok = sinkdown(float(argument or 60))
    else:
        ok = soak(float(argument or 10), float(sys.argv[3]) if len(sys.argv) > 3 else 200)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)
