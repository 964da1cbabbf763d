"""A pipeline whose step reads a stack component setting written as `{{secret.key}}`.

The client resolves the reference through the server's secrets API when the step reads
the setting. The step returns only a SHA-256 of what it read, so the value itself never
lands in an artifact. Prints RUN_ID=… and RESOLVED_SHA256=….
"""
import hashlib

from zenml import pipeline, step
from zenml.client import Client


@step
def read_registry_setting() -> str:
    registry = Client().active_stack.container_registry
    return hashlib.sha256(registry.config.default_repository.encode()).hexdigest()


@pipeline(enable_cache=False)
def secret_reference():
    read_registry_setting()


if __name__ == "__main__":
    run = secret_reference()
    digest = run.steps["read_registry_setting"].outputs["output"][0].load()
    print(f"RUN_ID={run.id}")
    print(f"RUN_STATUS={run.status.value}")
    print(f"RESOLVED_SHA256={digest}")
