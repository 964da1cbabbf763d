"""Outputs ZenML visualizes — HTML, Markdown, CSV and JSON strings (its structured-string
materializer) and a PNG (a custom materializer, as users write them) — and a step that
prints, so the server has visualizations and step logs to read. Prints RUN=<run id>."""
import os
from typing import Annotated, Tuple

from zenml import pipeline, step
from zenml.enums import ArtifactType, VisualizationType
from zenml.materializers.base_materializer import BaseMaterializer
from zenml.types import CSVString, HTMLString, JSONString, MarkdownString

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


class Picture:
    def __init__(self, data: bytes):
        self.data = data


class PictureMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Picture,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def load(self, data_type):
        with self.artifact_store.open(os.path.join(self.uri, "picture.png"), "rb") as f:
            return Picture(f.read())

    def save(self, data):
        with self.artifact_store.open(os.path.join(self.uri, "picture.png"), "wb") as f:
            f.write(data.data)

    def save_visualizations(self, data):
        return {os.path.join(self.uri, "picture.png"): VisualizationType.IMAGE}


@step
def report() -> Tuple[Annotated[HTMLString, "page"], Annotated[MarkdownString, "notes"], Annotated[CSVString, "table"], Annotated[JSONString, "doc"]]:
    print("writing the churn report")
    page = os.environ.get("REPORT_HTML", "<h1>Churn</h1>")
    notes = os.environ.get("REPORT_MARKDOWN", "# Churn\n*up*")
    return HTMLString(page), MarkdownString(notes), CSVString("a,b\n1,2"), JSONString('{"k": 1}')


@step(output_materializers=PictureMaterializer)
def picture() -> Annotated[Picture, "picture"]:
    return Picture(PNG)


@pipeline(enable_cache=False)
def reporting():
    report()
    picture()


if __name__ == "__main__":
    print("RUN=" + str(reporting().id))
