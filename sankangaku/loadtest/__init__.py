"""The mixed page-load benchmark (`manage.py benchmark_load`, QUALITY.md "mixed page load").

- `dataset`: builds the data set the load runs against (organisations, signed-in users,
  postings, proposals, projects with messages, notifications) and the plan handed to locust;
- `locustfile`: the simulated users (run by locust in its own process, never imported by
  Django);
- `analysis`: figures from the raw request log (throughput, percentiles per endpoint group,
  errors, the outage gap), pure functions;
- `pgcluster`: a private throw-away PostgreSQL cluster for the restart scenario;
- `runner`: starts gunicorn, a Celery worker and locust, samples memory, and checks that no
  acknowledged write was lost.
"""
