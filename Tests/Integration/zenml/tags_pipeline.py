"""Tags as ZenML's docs teach them: on a pipeline, on a run afterwards, on an artifact,
exclusive tags, colours, and runs selected by tag. Prints REPORT=… Recorded against the real
zenml[server]==0.98.0 in Tests/Fixtures/zenml-0.98/flow_g_tags.jsonl; test_zenml_tags.py runs it."""
import json

from zenml import pipeline, step, add_tags, remove_tags
from zenml.client import Client
from zenml.utils.tag_utils import Tag


@step
def make() -> int:
    return 5


@pipeline(enable_cache=False, tags=["nightly", Tag(name="team-ml", color="blue")])
def tagged():
    make()


if __name__ == "__main__":
    client = Client()
    first = tagged()
    second = tagged()
    add_tags(tags=["promoted"], run=str(first.id))
    remove_tags(tags=["nightly"], run=str(second.id))
    version = client.get_pipeline_run(first.id).steps["make"].outputs["output"][0]
    add_tags(tags=["golden"], artifact_version_id=version.id)
    client.create_tag(name="champion", exclusive=True)
    add_tags(tags=["champion"], run=str(first.id))
    add_tags(tags=["champion"], run=str(second.id))  # exclusive: moves to the second run
    client.update_tag(tag_name_or_id="team-ml", color="green")
    report = {
        "first": sorted(t.name for t in client.get_pipeline_run(first.id).tags),
        "second": sorted(t.name for t in client.get_pipeline_run(second.id).tags),
        "nightly_runs": sorted(str(r.id) == str(first.id) for r in client.list_pipeline_runs(tags=["nightly"]).items),
        "promoted_runs": len(client.list_pipeline_runs(tags=["promoted"]).items),
        "artifact": sorted(t.name for t in client.get_artifact_version(version.id).tags),
        "tags": sorted((t.name, str(t.color.value if hasattr(t.color, "value") else t.color), bool(t.exclusive)) for t in client.list_tags(size=100).items),
        "pipeline": sorted(t.name for t in client.get_pipeline("tagged").tags),
    }
    print("REPORT=" + json.dumps(report))
