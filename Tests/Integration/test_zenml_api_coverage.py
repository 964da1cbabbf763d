"""docs/zenml-api.md lists every operation of ZenML's OpenAPI document as served, refused on
purpose or not yet served. The served ones come from the binary (`enclave routes`), so the
page cannot drift from the router: a route added without regenerating the table, or a table
that claims a route the binary lacks, fails here."""
import json
import re
from pathlib import Path

from openapi_document import DOCUMENT, served_operations, template

PAGE = Path(__file__).resolve().parents[2] / "docs" / "zenml-api.md"
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE)` \| `([^`]+)` \| (served|refused: .+|not yet) \|$")


def test_the_coverage_table_matches_the_binary():
    text = PAGE.read_text()
    section = text[text.index("<!-- coverage:begin -->"):text.index("<!-- coverage:end -->")]
    listed = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            key = (match.group(1), match.group(2))
            assert key not in listed, f"{key} listed twice"
            listed[key] = match.group(3)
    document = json.loads(DOCUMENT.read_text())
    operations = {(m.upper(), p) for p, item in document["paths"].items() for m in item if m in ("get", "post", "put", "patch", "delete")}
    assert set(listed) == operations, "regenerate with Tools/generate_api_coverage.py"
    served = served_operations()
    claimed = {(m, template(p)) for (m, p), state in listed.items() if state == "served"}
    actually = {(m, template(p)) for (m, p) in operations} & served
    assert actually - claimed == set(), f"served but not listed as served: {sorted(actually - claimed)}"
    assert claimed - actually == set(), f"listed as served but not served: {sorted(claimed - actually)}"
    for state in listed.values():
        assert state == "served" or state == "not yet" or len(state) > len("refused: ") + 10, state
