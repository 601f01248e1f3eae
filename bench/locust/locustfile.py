"""The Locust side of bench/load-compare.sh: GET /things with a JSON Schema check in the task
(the same schema vouch checks, compiled once per worker), FastHttpUser, no wait time."""

import json
import os
import urllib.request

import jsonschema
from locust import FastHttpUser, task

BASE = os.environ["BENCH_BASE"]
_spec = json.load(urllib.request.urlopen(BASE + "/openapi.json"))
_schema = _spec["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
_schema = dict(_schema, components=_spec["components"])
VALIDATOR = jsonschema.Draft202012Validator(_schema)


class Things(FastHttpUser):
    host = BASE

    @task
    def things(self):
        with self.client.get("/things", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            elif not VALIDATOR.is_valid(r.json()):
                r.failure("schema")
