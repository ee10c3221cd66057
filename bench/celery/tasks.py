"""The job a Celery user would write instead of Herald: POST a JSON message to a receiver,
retried on failure. Used by bench/celery/run.sh for the side-by-side in docs/BENCHMARKS.md."""
import os

import requests
from celery import Celery

app = Celery("herald_alternative", broker=os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/0"))
app.conf.update(task_acks_late=True, worker_prefetch_multiplier=16, task_ignore_result=True)
session = requests.Session()


@app.task(bind=True, max_retries=5, default_retry_delay=1)
def deliver(self, url, body):
    try:
        answer = session.post(url, data=body, headers={"content-type": "application/json"}, timeout=10)
        answer.raise_for_status()
    except requests.RequestException as error:
        raise self.retry(exc=error)
